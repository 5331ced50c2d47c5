// TernRuntime owns what turns a loaded config into a running server: the core settings
// read from the config's globals, the module registry, statistics, logging, and the
// router that takes each framed message from a transport worker to the compiled script.
// It knows modules only through `TernModule` and their script declarations.

/// Tern's version, printed by `tern -V` and in the default Server header.
public enum TernVersion {
    public static let number = "0.1.0"
    public static var full: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "unknown"
        #endif
        #if os(Linux)
        let os = "linux"
        #else
        let os = "darwin"
        #endif
        return "tern \(number) (\(arch)/\(os))"
    }
}
