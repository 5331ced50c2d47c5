import TernRuntime
import TernScript

/// xlog's module parameters. Set once before the first message and only read afterwards.
struct XLogSettings: Sendable {
    /// Printed before every message (`<script>: `, as Kamailio's default).
    var prefix = CoreFunctions.scriptLogPrefix
    /// Longest text a message may expand to; Kamailio refuses longer ones (xlog returns -1).
    var bufferSize = 4096
    /// xlogl: `file:line:` instead of `line:` before the text.
    var longFormat = false
    /// Method bits xlogm stays silent for; -1 (the default) silences xlogm entirely.
    var methodsFilter = -1
    /// `$C(..)` gives escapes even when logs do not go to standard error.
    var forceColor = false

    static let parameters: [ParameterDeclaration] = [
        ParameterDeclaration(name: "buf_size", type: .int),
        ParameterDeclaration(name: "force_color", type: .int),
        ParameterDeclaration(name: "long_format", type: .int),
        ParameterDeclaration(name: "prefix", type: .string),
        ParameterDeclaration(name: "log_facility", type: .string),
        ParameterDeclaration(name: "log_colors", type: .string, repeatable: true),
        ParameterDeclaration(name: "methods_filter", type: .int),
    ]

    /// Applies the `modparam` values; what means nothing for Tern's standard-error logging
    /// (facility, level colours) is checked and said at debug level.
    mutating func apply(_ parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        for p in parameters {
            switch (p.parameter, p.value) {
            case ("buf_size", .int(let size)):
                guard size > 0 else { throw ConfigurationError("xlog buf_size must be positive, not \(size)", at: p.location) }
                bufferSize = size
            case ("force_color", .int(let v)): forceColor = v != 0
            case ("long_format", .int(let v)): longFormat = v == 1
            case ("prefix", .string(let text)): prefix = text
            case ("methods_filter", .int(let v)): methodsFilter = v
            case ("log_facility", .string(let name)):
                guard SyslogFacility.isValid(name) else {
                    throw ConfigurationError("xlog log_facility: invalid syslog facility '\(name)'", at: p.location)
                }
                services.logger.debug("xlog log_facility \(name) accepted; Tern logs to standard error, where facilities do not apply")
            case ("log_colors", .string(let spec)):
                if let problem = Self.problem(inColors: spec) {
                    throw ConfigurationError("xlog log_colors: \(problem)", at: p.location)
                }
                services.logger.debug("xlog log_colors accepted; Tern does not colour whole log lines")
            default:
                break
            }
        }
    }

    /// `l_err=cr;l_warn=yx`: level names as Kamailio knows them, two colour letters each.
    static func problem(inColors spec: String) -> String? {
        var text = Substring(spec)
        if text.hasSuffix(";") { text = text.dropLast() }
        guard !text.isEmpty else { return "empty value" }
        let levels = ["l_alert", "l_bug", "l_crit2", "l_crit", "l_err", "l_warn", "l_notice", "l_info", "l_dbg"]
        for item in text.split(separator: ";", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: " \t").lowercased()
            guard levels.contains(name) else { return "invalid level name '\(parts[0])'" }
            let colors = parts.count > 1 ? parts[1].trimmingCharacters(in: " \t") : ""
            guard colors.count == 2 else { return "invalid color spec for level \(name) ('\(colors)')" }
        }
        return nil
    }
}
