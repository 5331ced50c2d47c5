import Testing
import TernTestSupport

/// Broken datagrams: each gets the answer the design promises (400/505/513, or nothing when no
/// reply can be built), and the server keeps answering afterwards.
@Suite("Malformed input over UDP", .serialized, .sharedTern(config: TestConfigs.stateless))
struct MalformedUDPTests {
    /// Sends `bytes` from a fresh socket (the Via of builder-made requests carries its port and
    /// rport) and returns the reply, if any, within `timeout`.
    private func send(_ tern: TernProcess, timeout: Duration = .seconds(2),
                      _ build: (_ clientPort: UInt16) -> [UInt8]) throws -> SIPReply? {
        let socket = try UDPEndpoint()
        defer { socket.close() }
        try socket.send(build(socket.localPort), to: tern.port)
        return try socket.receiveReply(timeout: timeout)
    }

    private func options(_ tern: TernProcess, _ clientPort: UInt16) -> SIPRequestBuilder {
        .options(serverPort: tern.port, clientPort: clientPort)
    }

    @Test("a message cut off inside its headers gets 400")
    func truncatedHeaders() throws {
        let tern = try SharedTern.require()
        let reply = try send(tern) { port in
            var request = options(tern, port)
            request.headers.append((name: "Subject", value: "cut here"))
            let full = request.bytes()
            // Everything up to the middle of the Subject value: no Content-Length, no empty line.
            let marker = Array("cut here".utf8)
            let cut = (full.indices.first { full[$0...].starts(with: marker) } ?? full.count) + 3
            return Array(full.prefix(cut))
        }
        #expect(reply?.statusCode == 400, "truncated message: \(reply.map(\.description) ?? "no reply")")
        expectStillServing(tern, after: "a truncated message")
    }

    @Test("a message cut off inside its first line is dropped")
    func truncatedFirstLine() throws {
        let tern = try SharedTern.require()
        let reply = try send(tern, timeout: .milliseconds(700)) { _ in Array("OPTIONS sip:ping@127.0.0.1:\(tern.port) SI".utf8) }
        #expect(reply == nil, "nothing can be built from a half request line, yet got:\n\(reply.map(\.description) ?? "")")
        expectStillServing(tern, after: "a truncated first line")
    }

    @Test("a bad Content-Length gets 400", arguments: ["abc", "-5", "500", "12 34", "99999999999999999999"])
    func badContentLength(value: String) throws {
        let tern = try SharedTern.require()
        let reply = try send(tern) { port in
            var request = options(tern, port)
            request.contentLength = .literal(value)
            return request.bytes()
        }
        #expect(reply?.statusCode == 400, "Content-Length: \(value): \(reply.map(\.description) ?? "no reply")")
        expectStillServing(tern, after: "Content-Length: \(value)")
    }

    @Test("10,000 headers get 400 or 513")
    func headerCountBomb() throws {
        let tern = try SharedTern.require()
        let reply = try send(tern, timeout: .seconds(3)) { port in
            var request = options(tern, port)
            request.headers.append(contentsOf: Array(repeating: (name: "X", value: "1"), count: 10_000))
            return request.bytes()
        }
        #expect(reply.map { [400, 513].contains($0.statusCode) } == true,
                "10,000 headers: \(reply.map(\.description) ?? "no reply")")
        expectStillServing(tern, after: "a 10,000-header message")
    }

    @Test("a 65,507-byte datagram (the UDP maximum) gets 200 or 513")
    func largestDatagram() throws {
        let tern = try SharedTern.require()
        let reply = try send(tern, timeout: .seconds(3)) { port in
            var request = options(tern, port)
            let base = request.bytes().count + "X-Big: \r\n".utf8.count
            request.headers.append((name: "X-Big", value: String(repeating: "a", count: 65_507 - base)))
            return request.bytes()   // exactly 65,507 bytes: the padding is measured above
        }
        #expect(reply.map { [200, 513].contains($0.statusCode) } == true,
                "65,507-byte datagram: \(reply.map(\.description) ?? "no reply")")
        expectStillServing(tern, after: "a 65,507-byte datagram")
    }

    @Test("a NUL byte in the request line gets 400")
    func nulInRequestLine() throws {
        let tern = try SharedTern.require()
        let reply = try send(tern) { port in
            var request = options(tern, port)
            request.requestURI = "sip:pi\u{0}ng@127.0.0.1:\(tern.port)"
            return request.bytes()
        }
        #expect(reply?.statusCode == 400, "NUL in the Request-URI: \(reply.map(\.description) ?? "no reply")")
        expectStillServing(tern, after: "a NUL in the request line")
    }

    @Test("a NUL byte in a header value gets 400 or is tolerated")
    func nulInHeader() throws {
        let tern = try SharedTern.require()
        let reply = try send(tern) { port in
            var request = options(tern, port)
            request.headers.append((name: "Subject", value: "before\u{0}after"))
            return request.bytes()
        }
        #expect(reply.map { [200, 400].contains($0.statusCode) } == true,
                "NUL in Subject: \(reply.map(\.description) ?? "no reply")")
        expectStillServing(tern, after: "a NUL in a header")
    }

    @Test("200 datagrams of seeded random bytes get no reply and do no harm")
    func randomDatagrams() throws {
        let tern = try SharedTern.require()
        var random = SplitMix64(seed: 0x7E_4E_5EED)
        let socket = try UDPEndpoint()
        defer { socket.close() }
        for index in 0..<200 {
            var bytes = (0..<Int(random.next() % 1400 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if index % 2 == 1 {
                // Half of them start like a request, so the parser gets past the first line.
                bytes = Array("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n".utf8) + bytes
            }
            try socket.send(bytes, to: tern.port)
            if index % 50 == 49 { expectStillServing(tern, after: "\(index + 1) random datagrams") }
        }
        let replies = try socket.drain(for: .milliseconds(500))
        let answered = replies.count
        #expect(answered == 0, "random bytes were answered:\n\(replies.prefix(3).map { printable($0) }.joined(separator: "\n"))")
        expectStillServing(tern, after: "200 random datagrams")
    }
}

/// A small, seedable generator (SplitMix64), so the random datagrams are the same every run.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
