// rr's view of a request's Route header lines: every URI in order, with the byte ranges
// loose routing deletes when it consumes entries (Kamailio's Route lumps).
import SIPCore

/// One URI of the Route header lines, in message order.
struct RouteEntry {
    /// Index of its header line in `SIPMessage.headers`.
    let field: Int
    /// The trimmed name-addr within the line.
    let element: Range<Int>
    let nameAddr: NameAddr
    var uri: SIPURI { nameAddr.uri }
}

/// Every Route URI of a message, parsed once per use.
struct RouteSet {
    let message: SIPMessage
    let entries: [RouteEntry]

    enum Failure: Error { case malformed }

    /// Nil when the message has no Route header; throws when one does not parse.
    static func parse(_ message: SIPMessage) throws(Failure) -> RouteSet? {
        var entries: [RouteEntry] = []
        for (index, field) in message.headers.enumerated() where field.name == .route {
            for element in HeaderValueSplitter.split(message.bytes, field.valueRange) {
                guard !element.isEmpty, let nameAddr = try? NameAddr.parse(message.bytes, element, header: .route) else {
                    throw .malformed
                }
                entries.append(RouteEntry(field: index, element: element, nameAddr: nameAddr))
            }
        }
        return entries.isEmpty ? nil : RouteSet(message: message, entries: entries)
    }

    func uriText(_ index: Int) -> String {
        message.string(entries[index].uri.whole)
    }

    /// The URI parameters of an entry as written, without the first `;` ("" when none).
    func paramsText(_ index: Int) -> String {
        entries[index].uri.paramsRange.map { message.string($0) } ?? ""
    }

    /// The URI a request is sent to for an entry: `sip:maddr[:port]` when it carries maddr
    /// (RFC 3261 §16.5 lets maddr override the host), else the URI as written.
    func targetURI(_ index: Int) -> String {
        let uri = entries[index].uri
        guard let maddr = uri.maddr else { return uriText(index) }
        var text = "sip:" + message.string(maddr)
        if let port = uri.port { text += ":" + String(port) }
        return text
    }

    /// Whether the entry's URI has a parameter `name` (compared case-insensitively), found by
    /// a scan of the parameter bytes: the URI parsed already, so they are `;`-separated
    /// `name[=value]` tokens (collecting them all cost a few thousand instructions per check).
    func hasParam(_ index: Int, named name: String) -> Bool {
        guard let range = entries[index].uri.paramsRange, range.upperBound <= message.bytes.count else { return false }
        let wanted = Array(name.utf8)
        return message.bytes.withUnsafeBufferPointer { p in
            var i = range.lowerBound
            while i < range.upperBound {
                var end = i
                while end < range.upperBound, p[end] != UInt8(ascii: ";"), p[end] != UInt8(ascii: "=") { end += 1 }
                if end - i == wanted.count {
                    var same = true
                    for k in 0 ..< wanted.count where Self.lower(p[i + k]) != Self.lower(wanted[k]) {
                        same = false
                        break
                    }
                    if same { return true }
                }
                // On to the next parameter (past its value, if any).
                i = end
                while i < range.upperBound, p[i] != UInt8(ascii: ";") { i += 1 }
                i += 1
            }
            return false
        }
    }

    private static func lower(_ c: UInt8) -> UInt8 { (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c }

    /// Deletes entries 0...last: a line whose URIs are all consumed goes whole, a line left
    /// with later URIs loses the part before the first one kept.
    func removePrefix(through last: Int, _ edits: inout EditList) {
        guard last >= 0, last < entries.count else { return }
        var field = -1
        for i in 0...last where entries[i].field != field {
            field = entries[i].field
            if let kept = entries[(last + 1)...].first(where: { $0.field == field }) {
                edits.delete(message.headers[field].valueRange.lowerBound ..< kept.element.lowerBound)
            } else {
                edits.delete(message.headerLineRange(field))
            }
        }
    }

    /// Deletes the last entry: with the separator before it when its line holds others, else
    /// the whole line.
    func removeLast(_ edits: inout EditList) {
        guard let last = entries.last else { return }
        if entries.count >= 2, entries[entries.count - 2].field == last.field {
            edits.delete(entries[entries.count - 2].element.upperBound ..< last.element.upperBound)
        } else {
            edits.delete(message.headerLineRange(last.field))
        }
    }
}
