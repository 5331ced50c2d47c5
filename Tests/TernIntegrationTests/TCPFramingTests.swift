import Testing
import TernTestSupport

/// Stream framing over TCP: Content-Length framing across writes, keep-alive pings, oversized
/// and garbage input, and messages without Content-Length.
@Suite("TCP framing", .serialized, .sharedTern(config: TestConfigs.stateless))
struct TCPFramingTests {
    private func options(_ tern: TernProcess, _ connection: TCPConnection,
                         callID: String = uniqueToken("tcp")) -> SIPRequestBuilder {
        .options(serverPort: tern.port, clientPort: connection.localPort, transport: "TCP", callID: callID)
    }

    private func describe(_ outcome: TCPConnection.ReadOutcome, _ connection: TCPConnection) -> String {
        switch outcome {
        case .reply(let reply): return "reply:\n\(reply)"
        case .closed: return "connection closed; unread bytes: \(printable(connection.pending))"
        case .timedOut: return "no reply in time; unread bytes: \(printable(connection.pending))"
        }
    }

    @Test("CRLFCRLF keep-alive is answered with CRLF and the connection stays usable")
    func keepAlive() throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        #expect(connection.write(Array("\r\n\r\n".utf8)) == .complete)
        let pong = connection.readBytes(2, timeout: .seconds(2))
        #expect(pong == Array("\r\n".utf8), "keep-alive answer: \(pong.map { printable($0) } ?? "none")")
        #expect(connection.write(options(tern, connection).bytes()) == .complete)
        let outcome = connection.readReply(timeout: .seconds(2))
        guard case .reply(let reply) = outcome, reply.statusCode == 200 else {
            Issue.record("OPTIONS after a keep-alive: \(describe(outcome, connection))")
            return
        }
    }

    @Test("two messages in one write are both answered, in order")
    func twoMessagesInOneWrite() throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        let first = options(tern, connection, callID: uniqueToken("first"))
        let second = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: connection.localPort,
                                              transport: "TCP", callID: uniqueToken("second"))
        #expect(connection.write(first.bytes() + second.bytes()) == .complete)
        var callIDs: [String] = []
        for _ in 0..<2 {
            let outcome = connection.readReply(timeout: .seconds(3))
            guard case .reply(let reply) = outcome else {
                Issue.record("expected two replies, after \(callIDs.count): \(describe(outcome, connection))")
                return
            }
            #expect(reply.statusCode == 200, "\(reply)")
            callIDs.append(reply.value(of: "call-id") ?? "")
        }
        let sent = [first, second].map { $0.headers.first { $0.name == "Call-ID" }?.value ?? "" }
        #expect(Set(callIDs) == Set(sent), "replies answer \(callIDs), sent \(sent)")
    }

    @Test("a message written one byte at a time is answered")
    func oneByteWrites() throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        let request = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: connection.localPort, transport: "TCP")
        #expect(connection.write(request.bytes(), chunkSize: 1, pause: .microseconds(300)) == .complete)
        let outcome = connection.readReply(timeout: .seconds(3))
        guard case .reply(let reply) = outcome, reply.statusCode == 200 else {
            Issue.record("byte-by-byte INVITE: \(describe(outcome, connection))")
            return
        }
    }

    @Test("a message without Content-Length is rejected with 400 and the connection closed")
    func missingContentLength() throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        var request = options(tern, connection)
        request.contentLength = .omitted
        #expect(connection.write(request.bytes()) == .complete)
        let outcome = connection.readReply(timeout: .seconds(3))
        if case .reply(let reply) = outcome {
            #expect(reply.statusCode == 400, "no Content-Length over TCP: \(reply)")
        } else {
            Issue.record("no Content-Length over TCP: expected 400, got \(describe(outcome, connection))")
        }
        #expect(connection.waitForClose(timeout: .seconds(3)), "the connection should be closed after the 400")
        expectStillServing(tern, after: "a TCP message without Content-Length")
    }

    @Test("garbage on a connection closes it")
    func garbageClosesConnection() throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        var random = SplitMix64(seed: 42)
        let noise = (0..<512).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        _ = connection.write(Array("\u{16}\u{3}\u{1} GARBAGE not sip\r\n".utf8) + noise + Array("\r\n\r\n".utf8))
        #expect(connection.waitForClose(timeout: .seconds(3)),
                "the server kept a connection open after garbage; it sent: \(printable(connection.pending))")
        #expect(!String(decoding: connection.pending, as: UTF8.self).contains("SIP/2.0 200"),
                "garbage was answered 200: \(printable(connection.pending))")
        #expect(tern.client.pingTCP(), "a fresh TCP connection is not served after the garbage")
        expectStillServing(tern, after: "TCP garbage")
    }

    @Test("a 1 MiB header is refused with 513 or a closed connection")
    func oneMebibyteHeader() throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        var request = options(tern, connection)
        request.headers.append((name: "X-Big", value: String(repeating: "a", count: 1 << 20)))
        let written = connection.write(request.bytes(), timeout: .seconds(5))
        if case .stalled = written {
            Issue.record("the server stopped reading a 1 MiB header without answering or closing")
        }
        let outcome = connection.readReply(timeout: .seconds(5))
        switch outcome {
        case .reply(let reply):
            #expect(reply.statusCode == 513, "1 MiB header: \(reply.statusCode) \(reply.reasonPhrase)")
        case .closed:
            break
        case .timedOut:
            Issue.record("1 MiB header: neither 513 nor a close within 5 s")
        }
        #expect(tern.client.pingTCP(), "a fresh TCP connection is not served after the 1 MiB header")
        expectStillServing(tern, after: "a 1 MiB header over TCP")
    }
}

@Suite("TCP without Content-Length when tcp_accept_no_cl=yes")
struct TCPAcceptNoContentLengthTests {
    @Test("a message without Content-Length is answered 200")
    func acceptedWithoutContentLength() throws {
        try TernProcess.withRunning(config: TestConfigs.statelessAcceptingNoContentLength) { tern in
            let connection = try tern.client.tcp()
            defer { connection.close() }
            var request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: connection.localPort, transport: "TCP")
            request.contentLength = .omitted
            #expect(connection.write(request.bytes()) == .complete)
            let outcome = connection.readReply(timeout: .seconds(3))
            guard case .reply(let reply) = outcome else {
                Issue.record("tcp_accept_no_cl=yes: no reply (\(outcome)); pending \(printable(connection.pending))\nstderr:\n\(tern.standardError.suffix(2000))")
                return
            }
            #expect(reply.statusCode == 200, "tcp_accept_no_cl=yes: \(reply)")
        }
    }
}
