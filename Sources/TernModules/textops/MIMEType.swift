// A Content-Type reduced the way Kamailio compares them: the type and subtype are recognised
// from a fixed list (case-insensitive) and every name outside it is "unknown", so two unknown
// subtypes of the same type compare equal. Parameters after ';' are ignored.

struct MIMEType: Equatable {
    /// Index into `knownTypes`; `unknown` or `any` (`*`) otherwise.
    let type: Int
    let subtype: Int

    static let unknown = 0xFF
    static let any = 0xFE

    private static let knownTypes = ["text", "message", "application", "multipart"]
    private static let knownSubtypes = [
        "plain", "cpim", "sdp", "cpl+xml", "pidf+xml", "rlmi+xml", "related", "lpidf+xml", "xpidf+xml",
        "watcherinfo+xml", "external-body", "xml+msrtc.pidf", "cpim-pidf+xml", "mixed", "isup",
    ]

    static let applicationSDP = MIMEType(type: 2, subtype: 2)

    init(type: Int, subtype: Int) {
        self.type = type
        self.subtype = subtype
    }

    /// Parses `type/subtype[;params]`; nil when malformed, when several types are listed, or
    /// for `*/sub`.
    init?(_ text: some Collection<UInt8>) {
        let bytes = Array(text)
        var i = 0
        func skipBlanks() { while i < bytes.count && (bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13) { i += 1 } }
        func token() -> [UInt8] {
            let start = i
            while i < bytes.count && MIMEType.isMIMEChar(bytes[i]) { i += 1 }
            return Array(bytes[start ..< i])
        }
        skipBlanks()
        let typeName = token()
        guard !typeName.isEmpty else { return nil }
        skipBlanks()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "/") else { return nil }
        i += 1
        skipBlanks()
        let subtypeName = token()
        guard !subtypeName.isEmpty else { return nil }
        skipBlanks()
        if i < bytes.count && bytes[i] == UInt8(ascii: ";") {
            while i < bytes.count && bytes[i] != UInt8(ascii: ",") { i += 1 }
        }
        guard i == bytes.count else { return nil }
        type = MIMEType.classify(typeName, MIMEType.knownTypes)
        subtype = MIMEType.classify(subtypeName, MIMEType.knownSubtypes)
        if type == MIMEType.any && subtype != MIMEType.any { return nil }
    }

    var hasWildcard: Bool { type == MIMEType.any || subtype == MIMEType.any }

    private static func classify(_ name: [UInt8], _ known: [String]) -> Int {
        if name == [UInt8(ascii: "*")] { return any }
        let lower = name.map(asciiLower)
        for (index, candidate) in known.enumerated() where lower.elementsEqual(candidate.utf8) { return index }
        return unknown
    }

    private static func isMIMEChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            return true
        default:
            return "-+._!%*'`~".utf8.contains(c)
        }
    }
}
