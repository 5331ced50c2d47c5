#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TernTestSupport

/// Every RFC 4475 / RFC 5118 torture message sent to a running tern that answers 200 to
/// everything, checked against `ConformanceExpectations`; after each one the server must still
/// answer an OPTIONS.
@Suite("Conformance vectors over the network", .serialized, .sharedTern(config: TestConfigs.stateless))
struct ConformanceNetworkTests {
    static func vectors() throws -> [ConformanceVector] { try ConformanceCorpus.loadAll() }
    static func tcpVectors() throws -> [ConformanceVector] {
        try vectors().filter(ConformanceExpectations.isTCPCandidate)
    }

    @Test("the expectation table covers the manifests and agrees with their classes")
    func tableMatchesManifest() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 61, "49 RFC 4475 + 12 RFC 5118 messages expected, found \(vectors.count)")
        for vector in vectors {
            guard let (outcome, _) = ConformanceExpectations.outcome(for: vector) else {
                Issue.record("\(vector) has no row in ConformanceExpectations.table")
                continue
            }
            if vector.isResponse {
                #expect(!outcome.mustAnswer && !outcome.allows(200), "\(vector) is a response: it must never be answered")
            } else if ["valid", "tolerate"].contains(vector.classification) {
                #expect(outcome.mustAnswer && !outcome.allows(400), "\(vector) is valid: answered, not 400")
            } else if ["invalid", "semantic-reject"].contains(vector.classification) {
                #expect(outcome.allows(400) || outcome.allows(505), "\(vector) is \(vector.classification): 400/505 must be allowed")
            }
        }
    }

    @Test("over UDP", arguments: try vectors())
    func overUDP(vector: ConformanceVector) throws {
        let tern = try SharedTern.require()
        let (expected, reason) = try #require(ConformanceExpectations.outcome(for: vector),
                                              "\(vector) has no row in ConformanceExpectations.table")
        let message = vector.message
        // Without rport a UDP reply goes to the source address and the top Via's port (RFC
        // 3261 18.2.2), so send from that port on 127.0.0.1: then the reply reaches us whether
        // the server follows the Via port or the source port.
        let replyPort = message.topViaPort ?? 5060
        let socket = try bindWithRetry(port: replyPort)
        defer { socket.close() }
        try socket.send(vector.bytes, to: tern.port)

        let callID = message.value(of: "call-id")
        let wait: Duration = expected.mustAnswer ? .seconds(2) : .milliseconds(700)
        let reply = try socket.receiveReply(timeout: wait) { reply in
            callID == nil || reply.value(of: "call-id") == callID
        }
        let context = "\(vector) [\(vector.expectedHandling)] expected \(expected): \(reason)"
        if let reply {
            #expect(expected.allows(reply.statusCode),
                    "\(context)\ngot: \(reply.statusCode) \(reply.reasonPhrase)\n\(reply)")
            #expect(reply.statusCode >= 200, "a stateless server sends final replies only\n\(reply)")
            #expect(!reply.reasonPhrase.trimmingCharacters(in: .whitespaces).isEmpty,
                    "a rejection must say why: empty reason phrase\n\(reply)")
        } else {
            #expect(!expected.mustAnswer, "\(context)\ngot no reply within \(wait) on 127.0.0.1:\(replyPort)")
        }
        expectStillServing(tern, after: "\(vector)")
    }

    @Test("valid requests over TCP", arguments: try tcpVectors())
    func overTCP(vector: ConformanceVector) throws {
        let tern = try SharedTern.require()
        let connection = try tern.client.tcp()
        defer { connection.close() }
        #expect(connection.write(vector.bytes) == .complete)
        switch connection.readReply(timeout: .seconds(3)) {
        case .reply(let reply):
            #expect(reply.statusCode >= 200 && reply.statusCode != 400,
                    "\(vector) over TCP: expected a reply other than 400\n\(reply)")
        case .closed:
            Issue.record("\(vector) over TCP: connection closed without a reply")
        case .timedOut:
            Issue.record("\(vector) over TCP: no reply within 3 s; pending bytes: \(printable(connection.pending))")
        }
        expectStillServing(tern, after: "\(vector) over TCP")
    }

    @Test("clerr over TCP: Content-Length beyond the sent bytes waits, never 200")
    func contentLengthLargerThanStream() throws {
        let tern = try SharedTern.require()
        let vector = try #require(try Self.vectors().first { $0.file == "clerr.dat" })
        let connection = try tern.client.tcp()
        defer { connection.close() }
        #expect(connection.write(vector.bytes) == .complete)
        switch connection.readReply(timeout: .seconds(1)) {
        case .reply(let reply):
            #expect(reply.statusCode != 200, "clerr over TCP must not be answered 200 (the body is incomplete)\n\(reply)")
        case .closed, .timedOut:
            break   // waiting for the rest of the body, or giving up on the connection: both fine
        }
        #expect(tern.client.pingTCP(timeout: .seconds(3)), "another TCP connection is not served while clerr waits")
        expectStillServing(tern, after: "clerr over TCP")
    }

    @Test("mcl01 over TCP: two Content-Lengths leave the framing undefined: no 200, connection closed")
    func multipleContentLengthsOverTCP() throws {
        let tern = try SharedTern.require()
        let vector = try #require(try Self.vectors().first { $0.file == "mcl01.dat" })
        let connection = try tern.client.tcp()
        defer { connection.close() }
        _ = connection.write(vector.bytes)
        if case .reply(let reply) = connection.readReply(timeout: .seconds(2)) {
            #expect(reply.statusCode == 400, "mcl01 over TCP: only a 400 may come back\n\(reply)")
        }
        #expect(connection.waitForClose(timeout: .seconds(3)), "mcl01 over TCP: the server should close the connection")
        expectStillServing(tern, after: "mcl01 over TCP")
    }

    /// Binds 127.0.0.1:`port`, retrying briefly in case the previous vector's socket on the
    /// same port is still being released.
    private func bindWithRetry(port: UInt16) throws -> UDPEndpoint {
        var lastError: Error?
        for _ in 0..<20 {
            do { return try UDPEndpoint(port: port) } catch {
                lastError = error
                sleepBriefly()
            }
        }
        Issue.record("cannot bind 127.0.0.1:\(port) to receive replies addressed to the Via port: \(String(describing: lastError)); is something else using it?")
        throw lastError ?? SystemCallError("bind")
    }

    private func sleepBriefly() { usleep(100_000) }
}
