import SIPCore

/// Parsed SIP messages for in-process runs. A line set that does not parse is a mistake in the
/// test itself, so it stops the test run with the text.
extension ScriptTestHarness {
    /// A message from its lines joined with CRLF; the body follows the empty line. With
    /// `contentLength`, a Content-Length header giving the body's size ends the headers.
    public static func message(_ lines: [String], body: String = "", contentLength: Bool = true) -> SIPMessage {
        var all = lines
        if contentLength { all.append("Content-Length: \(body.utf8.count)") }
        let text = all.joined(separator: "\r\n") + "\r\n\r\n" + body
        do {
            return try SIPMessage.parse(Array(text.utf8))
        } catch {
            fatalError("test message does not parse: \(error)\n\(text)")
        }
    }

    /// A request with the usual headers from Alice to Bob; `maxForwards` nil leaves that header
    /// out, `extra` lines go after CSeq.
    public static func request(
        method: String = "INVITE", uri: String = "sip:bob@example.com", maxForwards: String? = "70",
        extra: [String] = [], body: String = "", contentLength: Bool = true
    ) -> SIPMessage {
        var lines = [
            "\(method) \(uri) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
        ]
        if let maxForwards { lines.append("Max-Forwards: \(maxForwards)") }
        lines += [
            "To: <sip:bob@example.com>",
            "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 \(method)",
        ]
        return message(lines + extra, body: body, contentLength: contentLength)
    }

    /// A reply to such a request, for a `method` transaction.
    public static func reply(status: Int = 200, method: String = "INVITE") -> SIPMessage {
        message([
            "SIP/2.0 \(status) Whatever",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
            "To: <sip:bob@example.com>;tag=a6c85cf",
            "From: <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710",
            "CSeq: 314159 \(method)",
        ])
    }

    /// The header lines of a serialized message, in order (the start line left out).
    public static func headerLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        if let end = lines.firstIndex(of: "") { lines = Array(lines[..<end]) }
        return Array(lines.dropFirst())
    }
}
