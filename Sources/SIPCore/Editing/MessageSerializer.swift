// Turns a received message plus its edit list into the bytes to send: one pass over the
// original, trailing datagram bytes past the body dropped (RFC 4475 dblreq), and Content-Length
// brought in line with the edited body.

public enum MessageSerializer {
    /// Applies `edits` to the whole of `original`.
    public static func serialize(_ original: [UInt8], edits: EditList) throws(EditListError) -> [UInt8] {
        try edits.apply(to: original)
    }

    /// Applies `edits` to the message from its start line to the end of its body. With
    /// `updateContentLength`, the Content-Length value is rewritten when edits change the body
    /// length, and a Content-Length header is added when the message had none (stream transports
    /// need it). A Content-Length the caller already edited is left alone.
    public static func serialize(_ message: SIPMessage, edits: EditList, updateContentLength: Bool = true) throws(EditListError) -> [UInt8] {
        let window = message.messageStart ..< message.bodyRange.upperBound
        guard updateContentLength else { return try edits.apply(to: message.bytes, window: window) }
        var all = edits
        let newBodyLength = message.bodyRange.count + edits.lengthDelta(within: message.bodyRange)
        if let field = message.firstHeader(.contentLength) {
            let current = (try? message.contentLength()) ?? nil
            if current != newBodyLength && !edits.touches(field.valueRange) && !editsReplace(edits, field.valueRange) {
                all.replace(field.valueRange, with: Array(String(max(0, newBodyLength)).utf8))
            }
        } else {
            all.insert(Array("Content-Length: \(max(0, newBodyLength))\r\n".utf8), at: emptyLineOffset(message))
        }
        return try all.apply(to: message.bytes, window: window)
    }

    private static func editsReplace(_ edits: EditList, _ range: Range<Int>) -> Bool {
        edits.edits.contains { !$0.range.isEmpty && $0.range.overlaps(range) }
    }

    /// Offset of the empty line that ends the header section (CRLF or lone LF).
    static func emptyLineOffset(_ message: SIPMessage) -> Int {
        let end = message.headerSectionEnd
        let bytes = message.bytes
        if end >= 2 && bytes[end - 2] == ASCII.cr { return end - 2 }
        return end - 1
    }
}
