import Testing
import TernTestSupport

/// `tcp_connection_lifetime`: a connection idle that many seconds is closed by the server.
@Suite("TCP connection lifetime")
struct TCPConnectionLifetimeTests {
    @Test func idleConnectionIsClosedAfterTheLifetime() throws {
        let tern = try TernProcess.start(config: TestConfigs.statelessConfig(extraGlobals: "tcp_connection_lifetime=1\n"))
        defer { tern.stop() }
        let connection = try tern.client.tcp()
        defer { connection.close() }
        let request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: connection.localPort, transport: "TCP")
        #expect(connection.write(request.bytes()) == .complete)
        guard case .reply(let reply) = connection.readReply(timeout: .seconds(2)) else {
            Issue.record("no reply on the new connection")
            return
        }
        #expect(reply.statusCode == 200)
        let start = ContinuousClock.now
        let outcome = connection.readReply(timeout: .seconds(5))
        guard case .closed = outcome else {
            Issue.record("the idle connection was not closed within 5 s")
            return
        }
        // Closed for idleness, not at once.
        #expect(ContinuousClock.now - start >= .milliseconds(500))
    }
}
