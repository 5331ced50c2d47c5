#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TernScript

/// Defaults and parameter values shared by the management modules (mi_fifo, jsonrpcs, ctl).
public enum ManagementPaths {
    /// Tern's run directory, as Kamailio's `/run/kamailio`: the control socket and the
    /// jsonrpcs FIFO live here by default.
    public static let preferredRunDirectory = "/run/tern"

    /// `/run/tern` when it exists or can be made and is writable (root, a packaged
    /// install); otherwise `/tmp`, so an unprivileged server still gets its socket.
    public static func runDirectory() -> String {
        let directory = preferredRunDirectory
        var info = stat()
        if lstat(directory, &info) != 0 { _ = mkdir(directory, 0o755) }
        if lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, access(directory, W_OK) == 0 {
            return directory
        }
        return "/tmp"
    }

    /// The control socket's default path: `<run directory>/tern_ctl`.
    public static func defaultControlSocket() -> String { runDirectory() + "/tern_ctl" }

    /// A relative name is taken inside the run directory (as Kamailio's jsonrpcs FIFO).
    public static func resolve(_ name: String, under directory: @autoclosure () -> String) -> String {
        name.hasPrefix("/") ? name : directory() + "/" + name
    }

    /// A permission value from a config: `0660` reads as octal as in Kamailio's config
    /// files, whichever way the number was lexed; strings such as "0600" too.
    public static func fileMode(_ value: ScriptValue) -> mode_t? {
        switch value {
        case .int(let number):
            let digits = String(number)
            // Kamailio reads a leading-zero number as octal; a lexer that read 0660 as
            // decimal 660 leaves only octal digits above 0o777.
            if number > 0o777, digits.allSatisfy({ ("0"..."7").contains($0) }), let octal = mode_t(digits, radix: 8), octal <= 0o7777 {
                return octal
            }
            return number >= 0 && number <= 0o7777 ? mode_t(number) : nil
        case .string(let text):
            let trimmed = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
            guard let octal = mode_t(trimmed, radix: 8), octal <= 0o7777 else { return nil }
            return octal
        case .null:
            return nil
        }
    }

    /// A ctl `binrpc` address: `unix:/path`, `unixs:/path` or a bare path; nil for the
    /// transports Tern's control socket does not serve (`unixd:`, `udp:`, `tcp:`).
    public static func controlSocketPath(_ spec: String) -> String? {
        for prefix in ["unixs:", "unix:"] where spec.hasPrefix(prefix) {
            return String(spec.dropFirst(prefix.count))
        }
        if spec.hasPrefix("/") { return spec }
        return nil
    }
}
