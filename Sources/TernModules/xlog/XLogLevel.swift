import TernRuntime
import TernScript

/// xlog's level argument: a name fixed when the script loads — Kamailio reads only its third
/// character, so `L_ERR` and `L_E` are the same and `L_CRIT` means L_CRIT2 — or a
/// pseudo-variable that must hold an integer level when the message is logged.
enum XLogLevel {
    case fixed(Int)
    case dynamic(PseudoVariableReference)

    /// Kamailio's numbers for the names xlog knows (dprint.h).
    static let alert = -5, bug = -4, crit2 = -3, err = -1, warn = 0, notice = 1, info = 2, dbg = 3

    init(_ argument: ScriptArgument, function: String) throws(Diagnostic) {
        guard let text = argument.literalText, argument.isConstant || text.hasPrefix("$") else {
            throw .error("\(function): the level must be written as L_ERR, L_WARN … or a pseudo-variable",
                         at: argument.location)
        }
        if text.hasPrefix("$") {
            self = .dynamic(try argument.pseudoVariable(writable: false))
            return
        }
        let bytes = Array(text.utf8)
        guard bytes.count >= 2 else {
            throw .error("\(function): wrong log level '\(text)'", at: argument.location, hint: XLogLevel.namesHint)
        }
        switch bytes.count > 2 ? bytes[2] : 0 {
        case UInt8(ascii: "A"): self = .fixed(XLogLevel.alert)
        case UInt8(ascii: "B"): self = .fixed(XLogLevel.bug)
        case UInt8(ascii: "C"): self = .fixed(XLogLevel.crit2)
        case UInt8(ascii: "E"): self = .fixed(XLogLevel.err)
        case UInt8(ascii: "W"): self = .fixed(XLogLevel.warn)
        case UInt8(ascii: "N"): self = .fixed(XLogLevel.notice)
        case UInt8(ascii: "I"): self = .fixed(XLogLevel.info)
        case UInt8(ascii: "D"): self = .fixed(XLogLevel.dbg)
        default:
            throw .error("\(function): unknown log level '\(text)'", at: argument.location, hint: XLogLevel.namesHint)
        }
    }

    static let namesHint = "use L_ALERT, L_BUG, L_CRIT, L_ERR, L_WARN, L_NOTICE, L_INFO, L_DBG or a pseudo-variable"

    /// The Kamailio level for this message; nil when a pseudo-variable does not hold an
    /// integer (Kamailio refuses a string such as "1" too).
    func resolve(_ ctx: ScriptContext) -> Int? {
        switch self {
        case .fixed(let level):
            return level
        case .dynamic(let pv):
            if case .int(let level) = pv.get(ctx) { return level }
            return nil
        }
    }
}
