import Logging
import TernScript

/// How script-level code logs: Kamailio's numeric levels (`debug=`, `log(level, …)`, xlog's
/// `L_ERR` …) on swift-log's, and one line per runtime error naming the function and where
/// it is called in the config.
public enum ScriptLogLevel {
    /// Kamailio's level numbers: L_ALERT -5, L_BUG -4, L_CRIT2 -3, L_CRIT -2, L_ERR -1,
    /// L_WARN 0, L_NOTICE 1, L_INFO 2, L_DBG 3. Anything above L_DBG is trace.
    public static func level(_ kamailioLevel: Int) -> Logger.Level {
        switch kamailioLevel {
        case ..<(-1): return .critical
        case -1: return .error
        case 0: return .warning
        case 1: return .notice
        case 2: return .info
        case 3: return .debug
        default: return .trace
        }
    }

    /// Kamailio writes exactly what the script gave (no newline of its own), so formats end in
    /// "\n"; the log handler ends every line itself, so one trailing newline is dropped.
    public static func lineText(_ text: String) -> String {
        // "\r\n" is one Character, like "\n".
        guard let last = text.last, last == "\n" || last == "\r\n" else { return text }
        return String(text.dropLast())
    }
}

extension ScriptContext {
    /// Logs a runtime failure of a script function once, with the config position of the
    /// call: `sethost: bad R-URI <x> (main.cfg:12:3)`.
    public func logFunctionError(_ function: String, _ problem: String, at location: SourceLocation) {
        worker.logger.error("\(function): \(problem) (\(location))")
    }

    public func logFunctionWarning(_ function: String, _ problem: String, at location: SourceLocation) {
        worker.logger.warning("\(function): \(problem) (\(location))")
    }
}
