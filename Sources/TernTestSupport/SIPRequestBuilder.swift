import Foundation

/// Builds request bytes for tests: a well-formed OPTIONS or INVITE by default, with every part
/// open to change so a test can break exactly one thing.
public struct SIPRequestBuilder {
    public enum ContentLength {
        /// The body's length.
        case automatic
        /// No Content-Length header at all.
        case omitted
        /// This text as the header value, whatever the body is.
        case literal(String)
    }

    public var method: String
    public var requestURI: String
    public var version = "SIP/2.0"
    /// Headers in order, Content-Length excluded (see `contentLength`).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8] = []
    public var contentLength: ContentLength = .automatic

    public init(method: String, requestURI: String, headers: [(name: String, value: String)]) {
        self.method = method
        self.requestURI = requestURI
        self.headers = headers
    }

    /// An OPTIONS to the server on `serverPort` from a client on `clientPort`, with `rport` so
    /// the reply comes back to the sending socket whatever the Via says.
    public static func options(serverPort: UInt16, clientPort: UInt16, transport: String = "UDP",
                               user: String = "ping", callID: String = uniqueToken("call"),
                               cseq: Int = 1, extraHeaders: [(name: String, value: String)] = []) -> SIPRequestBuilder {
        request(method: "OPTIONS", serverPort: serverPort, clientPort: clientPort, transport: transport,
                user: user, callID: callID, cseq: cseq, extraHeaders: extraHeaders)
    }

    /// An INVITE with a small SDP body.
    public static func invite(serverPort: UInt16, clientPort: UInt16, transport: String = "UDP",
                              user: String = "bob", callID: String = uniqueToken("call"),
                              cseq: Int = 1, extraHeaders: [(name: String, value: String)] = []) -> SIPRequestBuilder {
        var builder = request(method: "INVITE", serverPort: serverPort, clientPort: clientPort,
                              transport: transport, user: user, callID: callID, cseq: cseq,
                              extraHeaders: extraHeaders)
        builder.headers.append((name: "Contact", value: "<sip:alice@127.0.0.1:\(clientPort)>"))
        builder.headers.append((name: "Content-Type", value: "application/sdp"))
        builder.body = Array("""
            v=0\r
            o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 49170 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r

            """.utf8)
        return builder
    }

    public static func request(method: String, serverPort: UInt16, clientPort: UInt16,
                               transport: String, user: String, callID: String, cseq: Int,
                               extraHeaders: [(name: String, value: String)]) -> SIPRequestBuilder {
        var builder = SIPRequestBuilder(
            method: method,
            requestURI: "sip:\(user)@127.0.0.1:\(serverPort)",
            headers: [
                (name: "Via", value: "SIP/2.0/\(transport) 127.0.0.1:\(clientPort);branch=\(uniqueToken("z9hG4bK"));rport"),
                (name: "Max-Forwards", value: "70"),
                (name: "From", value: "<sip:alice@127.0.0.1>;tag=\(uniqueToken("f"))"),
                (name: "To", value: "<sip:\(user)@127.0.0.1:\(serverPort)>"),
                (name: "Call-ID", value: callID),
                (name: "CSeq", value: "\(cseq) \(method)"),
            ])
        builder.headers.append(contentsOf: extraHeaders)
        return builder
    }

    /// Replaces the value of every header called `name` (exact spelling), or appends one.
    public mutating func set(_ name: String, _ value: String) {
        var found = false
        for i in headers.indices where headers[i].name.lowercased() == name.lowercased() {
            headers[i].value = value
            found = true
        }
        if !found { headers.append((name: name, value: value)) }
    }

    public mutating func remove(_ name: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
    }

    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + body.count)
        out += Array("\(method) \(requestURI) \(version)\r\n".utf8)
        for header in headers {
            out += Array("\(header.name): \(header.value)\r\n".utf8)
        }
        switch contentLength {
        case .automatic: out += Array("Content-Length: \(body.count)\r\n".utf8)
        case .omitted: break
        case .literal(let text): out += Array("Content-Length: \(text)\r\n".utf8)
        }
        out += [0x0D, 0x0A]
        out += body
        return out
    }
}

/// A token unique within this test process (branches, tags, Call-IDs).
public func uniqueToken(_ prefix: String) -> String {
    UniqueCounter.next(prefix)
}

private enum UniqueCounter {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var value = 0
    private static let runID = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    static func next(_ prefix: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return "\(prefix)\(runID)x\(value)"
    }
}
