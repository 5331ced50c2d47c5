import Foundation

/// A lenient, independent reading of a SIP message's start line, headers and body, for test
/// assertions and for inspecting the conformance vectors. It never fails: whatever lines look
/// like `name: value` become headers. Folded lines are joined, compact names expanded.
public struct RawSIPMessage {
    public struct Field {
        /// The name as written.
        public let name: String
        /// Lower-case long form (`v` -> `via`).
        public let canonicalName: String
        /// Unfolded, trimmed.
        public let value: String
    }

    public let startLine: String
    public let fields: [Field]
    /// Everything after the empty line that ends the header section (empty if there is none).
    public let body: [UInt8]
    /// False when no empty line ends the header section.
    public let hasHeaderTerminator: Bool
    /// Offset of the first body byte (or the end of the input).
    public let headerSectionLength: Int

    public init(bytes: [UInt8]) {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var index = 0
        var terminated = false
        var bodyStart = bytes.count
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > lineStart && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = bytes[lineStart..<end]
                if line.isEmpty && !lines.isEmpty {
                    terminated = true
                    bodyStart = index + 1
                    break
                }
                lines.append(line)
                lineStart = index + 1
            }
            index += 1
        }
        if !terminated && lineStart < bytes.count {
            lines.append(bytes[lineStart..<bytes.count])
        }
        startLine = lines.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        hasHeaderTerminator = terminated
        headerSectionLength = bodyStart
        body = Array(bytes[bodyStart...])

        // Join folded lines (a line starting with SP or HTAB continues the previous one).
        var unfolded: [[UInt8]] = []
        for line in lines.dropFirst() {
            if let first = line.first, first == 0x20 || first == 0x09, !unfolded.isEmpty {
                unfolded[unfolded.count - 1].append(0x20)
                unfolded[unfolded.count - 1].append(contentsOf: line)
            } else {
                unfolded.append(Array(line))
            }
        }
        fields = unfolded.compactMap { line in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingLWS()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingLWS()
            return Field(name: name, canonicalName: RawSIPMessage.canonical(name), value: value)
        }
    }

    /// All values of a header (any spelling, compact form included), in message order.
    public func values(of name: String) -> [String] {
        let wanted = RawSIPMessage.canonical(name)
        return fields.filter { $0.canonicalName == wanted }.map(\.value)
    }

    public func value(of name: String) -> String? { values(of: name).first }

    public func has(_ name: String) -> Bool { value(of: name) != nil }

    /// The Content-Length value when there is exactly one and it is a plain decimal number.
    public var contentLength: Int? {
        let all = values(of: "content-length")
        guard all.count == 1, let n = Int(all[0]), n >= 0 else { return nil }
        return n
    }

    /// True when Via, From, To, Call-ID and CSeq are all present, i.e. a reply can be formed.
    public var hasReplyHeaders: Bool {
        ["via", "from", "to", "call-id", "cseq"].allSatisfy(has)
    }

    /// The port a UDP reply goes to under RFC 3261 §18.2.2 without rport: the top Via's sent-by
    /// port, 5060 when it has none. Nil when the top Via cannot be read.
    public var topViaPort: UInt16? {
        guard let via = value(of: "via") else { return nil }
        return ViaValue(via)?.port ?? 5060
    }

    private static let compactForms: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length",
        "c": "content-type", "f": "from", "s": "subject", "k": "supported", "t": "to",
        "v": "via", "r": "refer-to", "b": "referred-by", "o": "event", "u": "allow-events",
        "x": "session-expires", "a": "accept-contact", "j": "reject-contact",
        "d": "request-disposition", "y": "identity", "n": "identity-info",
    ]

    static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return compactForms[lower] ?? lower
    }
}

/// The first value of a Via header: `SIP / 2.0 / UDP host[:port] ;params`, LWS allowed around
/// the slashes (RFC 4475 wsinv does that).
public struct ViaValue {
    public let transport: String
    public let host: String
    public let port: UInt16?
    /// Parameters in order; a parameter without `=` has a nil value.
    public let parameters: [(name: String, value: String?)]

    public init?(_ text: String) {
        let first = text.splitOutsideQuotes(separator: ",").first ?? text
        let parts = first.splitOutsideQuotes(separator: ";")
        guard let sentPart = parts.first else { return nil }
        // "SIP / 2.0 / UDP   host:port" -> protocol tokens, then sent-by.
        let slashParts = sentPart.split(separator: "/", maxSplits: 2).map { String($0).trimmingLWS() }
        guard slashParts.count == 3 else { return nil }
        let tail = slashParts[2]
        guard let space = tail.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
        transport = String(tail[..<space])
        let sentBy = tail[space...].trimmingLWS().replacingOccurrences(of: " ", with: "")
        if sentBy.hasPrefix("["), let close = sentBy.firstIndex(of: "]") {
            host = String(sentBy[...close])
            let rest = sentBy[sentBy.index(after: close)...]
            port = rest.hasPrefix(":") ? UInt16(rest.dropFirst()) : nil
        } else if let colon = sentBy.firstIndex(of: ":") {
            host = String(sentBy[..<colon])
            port = UInt16(sentBy[sentBy.index(after: colon)...])
        } else {
            host = sentBy
            port = nil
        }
        parameters = parts.dropFirst().map { raw in
            let piece = raw.trimmingLWS()
            guard let eq = piece.firstIndex(of: "=") else { return (piece.lowercased(), nil) }
            return (String(piece[..<eq]).trimmingLWS().lowercased(),
                    String(piece[piece.index(after: eq)...]).trimmingLWS())
        }
    }

    /// The value of a parameter (nil value = present without `=`); outer nil = absent.
    public func parameter(_ name: String) -> String?? {
        guard let hit = parameters.first(where: { $0.name == name.lowercased() }) else { return nil }
        return .some(hit.value)
    }
}

extension StringProtocol {
    func trimmingLWS() -> String {
        let isLWS: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isLWS($0) }),
              let end = lastIndex(where: { !isLWS($0) }) else { return "" }
        return String(self[start...end])
    }

    /// Splits on `separator` except inside double quotes, angle brackets or IPv6 brackets.
    func splitOutsideQuotes(separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        var depth = 0
        for ch in self {
            if inQuotes {
                current.append(ch)
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inQuotes = false }
                continue
            }
            switch ch {
            case "\"": inQuotes = true
            case "<", "[": depth += 1
            case ">", "]": depth = Swift.max(0, depth - 1)
            default: break
            }
            if ch == separator && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }
}
