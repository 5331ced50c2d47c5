/// The `SIP_HF_<NAME>` variable a header goes into, as Kamailio's exec module names it.
/// Occurrences of one header share a variable: names compare without case, and a compact
/// form Kamailio's parser knows joins its full form (`v` with `Via`). Nine headers have a
/// fixed variable name whatever form comes first (`Call-ID` → CALLID, `l` → CONTENT_LENGTH);
/// any other takes the name of its first occurrence upper-cased, every character that is
/// not a letter or digit written as `_` (`s: x` before `Subject: y` gives SIP_HF_S=x,y).
struct HeaderVariableName {
    /// Lower-cased full name: occurrences with the same key share a variable.
    let key: [UInt8]
    /// The part after `SIP_HF_`.
    let name: [UInt8]

    init(written: ArraySlice<UInt8>) {
        let lower = written.map(asciiLower)
        let full = Self.compactForms[lower] ?? lower
        key = full
        if let fixed = Self.fixedNames[full] {
            name = Array(fixed.utf8)
        } else {
            name = written.map(Self.variableCharacter)
        }
    }

    private static func variableCharacter(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return b - 0x20
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return b
        default: return UInt8(ascii: "_")
        }
    }

    /// The compact forms Kamailio 5.6's header parser recognises.
    private static let compactForms: [[UInt8]: [UInt8]] = {
        let pairs: [(String, String)] = [
            ("a", "accept-contact"), ("b", "referred-by"), ("c", "content-type"), ("d", "request-disposition"),
            ("e", "content-encoding"), ("f", "from"), ("i", "call-id"), ("j", "reject-contact"),
            ("k", "supported"), ("l", "content-length"), ("m", "contact"), ("o", "event"), ("r", "refer-to"),
            ("s", "subject"), ("t", "to"), ("u", "allow-events"), ("v", "via"), ("x", "session-expires"),
            ("y", "identity"),
        ]
        var table: [[UInt8]: [UInt8]] = [:]
        for (compact, full) in pairs { table[Array(compact.utf8)] = Array(full.utf8) }
        return table
    }()

    /// Headers whose variable name does not depend on how the header is written.
    private static let fixedNames: [[UInt8]: String] = [
        Array("via".utf8): "VIA", Array("content-type".utf8): "CONTENT_TYPE", Array("from".utf8): "FROM",
        Array("call-id".utf8): "CALLID", Array("supported".utf8): "SUPPORTED",
        Array("content-length".utf8): "CONTENT_LENGTH", Array("contact".utf8): "CONTACT", Array("to".utf8): "TO",
        Array("event".utf8): "EVENT",
    ]
}
