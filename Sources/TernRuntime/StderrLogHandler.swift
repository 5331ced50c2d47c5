#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Log lines on standard error in the shape Kamailio users grep for
/// (` 3(1234) ERROR: sl: message`), each written with a single write() so lines from
/// concurrent workers never interleave.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    /// `<core> ` before the text; empty for the script's own lines (xlog, log), which carry
    /// their own prefix (xlog's `prefix` parameter, `<script>: ` by default) as in Kamailio.
    private let tag: String

    public init(label: String, level: Logger.Level) {
        self.tag = label == "script" ? "" : "<\(label)> "
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let explicit = event.metadata
        var text = " 0(\(getpid())) \(Self.name(of: level)): \(tag)\(message)"
        let merged = explicit.map { self.metadata.merging($0) { _, new in new } } ?? self.metadata
        if !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        text += "\n"
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func name(of level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "DEBUG"
        case .info: return "INFO"
        case .notice: return "NOTICE"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        case .critical: return "CRITICAL"
        }
    }
}
