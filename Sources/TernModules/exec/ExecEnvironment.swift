import SIPCore
import TernScript

/// The variables a program started by exec_msg, exec_dset or exec_avp finds in its environment
/// (`setvars=1`), as Kamailio 5.6 sets them: `SIP_HF_<NAME>` per header (occurrences joined
/// with "," — see HeaderVariableName), and SIP_SRCIP, SIP_RURI, SIP_USER (current R-URI),
/// SIP_ORUI (Kamailio's spelling) and SIP_ORURI (the seed's), SIP_OUSER (original R-URI),
/// SIP_TID (TransactionFingerprint) and SIP_DID (the To-tag). Values are the raw bytes of the
/// message, cut at a NUL as C strings are.
enum ExecEnvironment {
    /// `NAME=value` entries for `message`. `requestURI` is the R-URI as the script has it now;
    /// `bashSafety` drops the `()` of a value starting `() {` (a bash function definition).
    static func variables(message: SIPMessage, requestURI: [UInt8]?, sourceIP: String,
                          bashSafety: Bool) -> [[UInt8]] {
        var out = headerVariables(message, bashSafety: bashSafety)
        let bytes = message.bytes
        out.append(entry("SIP_SRCIP", Array(sourceIP.utf8)))
        let original: [UInt8] = message.kind == .request ? Array(bytes[message.requestURIRange]) : []
        let current = requestURI ?? original
        out.append(entry("SIP_RURI", current))
        if let user = userPart(current) { out.append(entry("SIP_USER", user)) }
        out.append(entry("SIP_ORUI", original))
        out.append(entry("SIP_ORURI", original))
        if let user = userPart(original) { out.append(entry("SIP_OUSER", user)) }
        out.append(entry("SIP_TID", TransactionFingerprint.hex(message) ?? []))
        var toTag: [UInt8] = []
        if let to = try? message.to(), let tag = to.tag { toTag = Array(bytes[tag]) }
        out.append(entry("SIP_DID", toTag))
        return out
    }

    /// One variable per header name, in the order the names first appear.
    static func headerVariables(_ message: SIPMessage, bashSafety: Bool) -> [[UInt8]] {
        let bytes = message.bytes
        var order: [[UInt8]] = []
        var names: [[UInt8]: [UInt8]] = [:]
        var values: [[UInt8]: [UInt8]] = [:]
        for field in message.headers {
            let variable = HeaderVariableName(written: bytes[field.nameRange])
            var value = bytes[field.valueRange]
            if bashSafety, value.starts(with: Self.bashFunction) { value = value.dropFirst(2) }
            if var existing = values[variable.key] {
                existing.append(UInt8(ascii: ","))
                existing.append(contentsOf: value)
                values[variable.key] = existing
            } else {
                order.append(variable.key)
                names[variable.key] = variable.name
                values[variable.key] = Array(value)
            }
        }
        return order.map { key in
            entry(Self.headerPrefix + (names[key] ?? []), values[key] ?? [])
        }
    }

    private static let headerPrefix = Array("SIP_HF_".utf8)
    private static let bashFunction = Array("() {".utf8)

    static func entry(_ name: String, _ value: [UInt8]) -> [UInt8] {
        entry(Array(name.utf8), value)
    }

    static func entry(_ name: [UInt8], _ value: [UInt8]) -> [UInt8] {
        var out = name
        out.append(UInt8(ascii: "="))
        if let nul = value.firstIndex(of: 0) {
            out.append(contentsOf: value[..<nul])
        } else {
            out.append(contentsOf: value)
        }
        return out
    }

    /// The user part of a URI (empty when it has none); nil when the text is not a URI.
    static func userPart(_ uri: [UInt8]) -> [UInt8]? {
        guard let parsed = try? SIPURI.parse(uri, 0..<uri.count) else { return nil }
        guard let user = parsed.user else { return [] }
        return Array(uri[user])
    }

    /// Where the names of the inherited environment end, for replacing `SIP_*` entries.
    static func isSIPVariable(_ entry: [UInt8]) -> Bool {
        entry.starts(with: Self.sipPrefix)
    }

    private static let sipPrefix = Array("SIP_".utf8)
}
