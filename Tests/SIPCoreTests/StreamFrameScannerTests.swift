import SIPCore
import Testing

/// What a transport does with the scanner: keep a buffer, scan after each read, consume.
private struct Reassembler {
    var buffer: [UInt8] = []
    var messages: [[UInt8]] = []
    var pings = 0
    var skipped = 0
    var error: SIPParseError?
    var acceptNoContentLength = false
    var limits = SIPParseLimits()

    mutating func feed(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        while error == nil {
            switch StreamFrameScanner.scan(buffer, acceptNoContentLength: acceptNoContentLength, limits: limits) {
            case .needMore:
                return
            case .keepAlive(let length):
                if length == 4 { pings += 1 } else { skipped += length }
                buffer.removeFirst(length)
            case .message(let length):
                messages.append(Array(buffer.prefix(length)))
                buffer.removeFirst(length)
            case .error(let e):
                error = e
            }
        }
    }
}

private func message(_ body: String, extra: String = "") -> [UInt8] {
    crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\n\(extra)Content-Length: \(body.utf8.count)\n\n") + Array(body.utf8)
}

@Suite("Stream framing")
struct StreamFrameScannerTests {
    @Test func oneCompleteMessage() {
        let m = message("hello")
        #expect(StreamFrameScanner.scan(m) == .message(length: m.count))
        #expect(StreamFrameScanner.scan(Array(m.dropLast())) == .needMore)
        #expect(StreamFrameScanner.scan(m + Array("INVITE".utf8)) == .message(length: m.count))
        #expect(StreamFrameScanner.scan([UInt8]()) == .needMore)
    }

    @Test func byteByByteWithPingsAndManyMessages() {
        let a = message("first body")
        let b = message("", extra: "Subject: folded\n value\n")
        let c = message("third\r\n\r\nwith blank lines")
        let stream = crlf("\n\n") + a + crlf("\n") + b + c + crlf("\n\n") + a
        var r = Reassembler()
        for byte in stream { r.feed([byte]) }
        #expect(r.error == nil)
        #expect(r.messages == [a, b, c, a])
        #expect(r.pings == 2)
        #expect(r.buffer.isEmpty)

        var whole = Reassembler()
        whole.feed(stream)
        #expect(whole.messages == [a, b, c, a])
        #expect(whole.pings == 2)
    }

    @Test func keepAlives() {
        #expect(StreamFrameScanner.scan(crlf("\n\n")) == .keepAlive(length: 4))
        #expect(StreamFrameScanner.scan(crlf("\n")) == .needMore)
        #expect(StreamFrameScanner.scan([0x0D, 0x0A, 0x0D]) == .needMore)
        #expect(StreamFrameScanner.scan([0x0D]) == .needMore)
        #expect(StreamFrameScanner.scan(crlf("\nOPTIONS")) == .keepAlive(length: 2))
        #expect(StreamFrameScanner.scan([0x0A, 0x41]) == .keepAlive(length: 1))
        #expect(StreamFrameScanner.scan([0x0D, 0x41]) == .keepAlive(length: 1))
    }

    @Test func contentLengthIsRequiredOnStreams() {
        let noLength = crlf("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\n\n")
        guard case .error(let e) = StreamFrameScanner.scan(noLength) else {
            Issue.record("expected an error")
            return
        }
        #expect(e.statusCode == 400)
        #expect(e.reason == "Missing Content-Length")
        #expect(e.canReply)
        #expect(StreamFrameScanner.scan(noLength, acceptNoContentLength: true) == .message(length: noLength.count))
    }

    @Test func badContentLengths() {
        for (value, reason) in [
            ("-5", "Invalid Content-Length"), ("five", "Invalid Content-Length"), ("", "Invalid Content-Length"),
            ("5\r\nContent-Length: 6", "Conflicting Content-Length values"),
        ] {
            let bytes = Array("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: \(value)\r\n\r\nhello!".utf8)
            guard case .error(let e) = StreamFrameScanner.scan(bytes) else {
                Issue.record("\(value): expected an error")
                continue
            }
            #expect(e.statusCode == 400, "\(value)")
            #expect(e.reason == reason, "\(value)")
        }
        let same = Array("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 5\r\nl: 5\r\n\r\nhello".utf8)
        #expect(StreamFrameScanner.scan(same) == .message(length: same.count))
    }

    @Test func tooLarge() {
        let limits = SIPParseLimits(maxMessageSize: 200, maxHeaderCount: 256)
        var head = "OPTIONS sip:a@b SIP/2.0\r\n"
        while head.utf8.count < 300 { head += "X-Pad: 0123456789\r\n" }
        // No end of headers yet, but already over the limit.
        guard case .error(let a) = StreamFrameScanner.scan(Array(head.utf8), limits: limits) else {
            Issue.record("expected 513")
            return
        }
        #expect(a.statusCode == 513)
        #expect(a.reason == "Message too large")
        // Header section within the limit, body beyond it.
        let big = Array("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 500\r\n\r\n".utf8)
        guard case .error(let b) = StreamFrameScanner.scan(big, limits: limits) else {
            Issue.record("expected 513")
            return
        }
        #expect(b.statusCode == 513)
        // Under the limit and incomplete: wait.
        #expect(StreamFrameScanner.scan(Array("OPTIONS sip:a@b SIP/2.0\r\nVia: x".utf8), limits: limits) == .needMore)
    }

    @Test func headerCountLimit() {
        var text = "OPTIONS sip:a@b SIP/2.0\r\n"
        for i in 0 ..< 12 { text += "X-\(i): v\r\n" }
        text += "Content-Length: 0\r\n\r\n"
        let limits = SIPParseLimits(maxMessageSize: 65535, maxHeaderCount: 10)
        guard case .error(let e) = StreamFrameScanner.scan(Array(text.utf8), limits: limits) else {
            Issue.record("expected an error")
            return
        }
        #expect(e.statusCode == 400)
        #expect(e.reason == "Too many headers")
    }

    @Test func httpRequestHeadsNeedNoContentLength() {
        let get = Array("GET /ws HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\r\n".utf8)
        #expect(StreamFrameScanner.scan(get) == .message(length: get.count))
        let post = Array("POST /RPC HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".utf8)
        #expect(StreamFrameScanner.scan(post) == .message(length: post.count))
        let chunked = Array("POST /RPC HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        guard case .error = StreamFrameScanner.scan(chunked) else {
            Issue.record("chunked bodies are not framed")
            return
        }
    }

    @Test func rawBufferAndSliceEntryPoints() {
        let m = message("xyz")
        let framed = m.withUnsafeBytes { StreamFrameScanner.scan($0, acceptNoContentLength: false, limits: SIPParseLimits()) }
        #expect(framed == .message(length: m.count))
        let padded = [0x41] + m
        #expect(StreamFrameScanner.scan(padded[1...]) == .message(length: m.count))
    }

    @Test func framedMessagesParse() throws {
        var r = Reassembler()
        r.feed(Samples.invite + Samples.register)
        #expect(r.messages.count == 2)
        for bytes in r.messages {
            let m = try SIPMessage.parse(bytes)
            try m.validate()
            #expect(m.bodyRange.upperBound == bytes.count)
        }
    }
}
