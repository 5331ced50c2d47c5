#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TernScript

/// SER's core FIFO server, configured by globals: `fifo` (the request FIFO), `fifo_dir`
/// (where reply FIFOs live, /tmp/ by default), `fifo_mode`, `fifo_user`, `fifo_group`.
public enum CoreFIFOSettings {
    /// nil when the config has no `fifo` global.
    public static func configuration(from globals: [GlobalSetting]) -> FIFOServerConfiguration? {
        var configuration: FIFOServerConfiguration?
        var directory: String?
        var mode: mode_t?
        var user: String?
        var group: String?
        for global in globals {
            let text: String?
            switch global.value {
            case .string(let value), .identifier(let value): text = value
            default: text = nil
            }
            switch global.name {
            case "fifo": if let text, !text.isEmpty { configuration = FIFOServerConfiguration(path: text) }
            case "fifo_dir": directory = text
            case "fifo_user": user = text
            case "fifo_group": group = text
            case "fifo_mode":
                if case .int(let number) = global.value { mode = ManagementPaths.fileMode(.int(number)) }
            default: break
            }
        }
        guard var result = configuration else { return nil }
        if let directory { result.replyDirectory = directory }
        if let mode { result.mode = mode }
        result.user = user
        result.group = group
        result.role = "FIFO server"
        return result
    }
}
