import Foundation

/// A SIP reply as the tests see it: status code, reason, headers and body, read by
/// `RawSIPMessage` (not by SIPCore, so the server's parser is checked by a different one).
public struct SIPReply: CustomStringConvertible {
    public let bytes: [UInt8]
    public let message: RawSIPMessage
    public let statusCode: Int
    public let reasonPhrase: String
    /// The body, cut to Content-Length when the reply has one.
    public let body: [UInt8]

    /// Nil unless the bytes start with `SIP/<version> <3 digits> `.
    public init?(bytes: [UInt8]) {
        let message = RawSIPMessage(bytes: bytes)
        let line = message.startLine
        guard line.hasPrefix("SIP/") else { return nil }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[1].count == 3, let code = Int(parts[1]) else { return nil }
        self.bytes = bytes
        self.message = message
        self.statusCode = code
        self.reasonPhrase = parts.count == 3 ? String(parts[2]) : ""
        if let length = message.contentLength, length <= message.body.count {
            self.body = Array(message.body.prefix(length))
        } else {
            self.body = message.body
        }
    }

    public func values(of name: String) -> [String] { message.values(of: name) }
    public func value(of name: String) -> String? { message.value(of: name) }

    /// The reply's text with control bytes escaped, for failure messages.
    public var description: String { printable(bytes) }

    /// Finds one complete reply at the start of a stream buffer (leading CRLFs skipped): the
    /// reply and the number of bytes it used, or nil when more bytes are needed.
    public static func frame(_ buffer: [UInt8]) -> (SIPReply, Int)? {
        var start = 0
        while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A { start += 1 }
        guard let end = headerSectionEnd(buffer, from: start) else { return nil }
        let head = RawSIPMessage(bytes: Array(buffer[start..<end]))
        let total = end + (head.contentLength ?? 0)
        guard buffer.count >= total, let reply = SIPReply(bytes: Array(buffer[start..<total])) else {
            return nil
        }
        return (reply, total)
    }

    private static func headerSectionEnd(_ buffer: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= start + 4 else { return nil }
        var i = start
        while i + 3 < buffer.count {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
                return i + 4
            }
            i += 1
        }
        return nil
    }
}

/// Bytes as text with CR, LF and other control bytes shown as escapes, cut to `limit`.
public func printable(_ bytes: [UInt8], limit: Int = 2000) -> String {
    var out = ""
    for byte in bytes.prefix(limit) {
        switch byte {
        case 0x0D: out += "\\r"
        case 0x0A: out += "\\n\n"
        case 0x09: out += "\t"
        case 0x20..<0x7F: out.append(Character(UnicodeScalar(byte)))
        default: out += String(format: "\\x%02X", byte)
        }
    }
    if bytes.count > limit { out += "… (\(bytes.count) bytes)" }
    return out
}
