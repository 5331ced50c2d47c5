import SIPCore

/// The bytes of a request as it leaves: the script's edits applied, the new Request-URI
/// written, Content-Length brought in line, and our Via as the first header line.
public enum OutgoingRequest {
    /// `requestURI` nil keeps the received one; `topVia` is a full line (`ViaLine.make`).
    /// Edits that fall outside the message are dropped rather than sent half-applied.
    public static func build(_ message: SIPMessage, edits: EditList, requestURI: String?, topVia: [UInt8]) -> [UInt8] {
        var all = edits
        if let requestURI { all.replace(message.requestURIRange, with: Array(requestURI.utf8)) }
        let body: [UInt8]
        if let edited = try? MessageSerializer.serialize(message, edits: all) {
            body = edited
        } else if let plain = try? MessageSerializer.serialize(message, edits: EditList()) {
            body = plain
        } else {
            body = Array(message.bytes[message.messageStart...])
        }
        // The Via goes right after the request line, before any header the script inserted.
        var lineEnd = 0
        while lineEnd < body.count && body[lineEnd] != 0x0A { lineEnd += 1 }
        let split = min(lineEnd + 1, body.count)
        var out: [UInt8] = []
        out.reserveCapacity(body.count + topVia.count)
        out += body[0 ..< split]
        out += topVia
        out += body[split...]
        return out
    }
}
