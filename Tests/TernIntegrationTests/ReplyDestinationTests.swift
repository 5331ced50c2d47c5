import Testing
import TernTestSupport

/// Where a UDP reply goes (RFC 3261 §18.2.2, RFC 3581): without `;rport` to the source
/// address at the Via's sent-by port; with `;rport`, or after `force_rport()`, to the port the
/// request came from.
@Suite("UDP reply destination")
struct ReplyDestinationTests {
    static let config = TestConfigHead.udp(loading: ["sl"]) + """
        request_route {
            if ($rU == "forced") { force_rport(); }
            sl_send_reply("200", "OK");
            exit;
        }

        """

    /// Sends from `sender` with a Via naming `listener`'s port; returns which socket got the reply.
    private func replyGoesTo(user: String, rport: Bool) throws -> (toSender: Bool, toViaPort: Bool) {
        let tern = try TernProcess.start(config: Self.config)
        defer { tern.stop() }
        let sender = try UDPEndpoint()
        let viaPort = try UDPEndpoint()
        defer { sender.close(); viaPort.close() }
        var request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: sender.localPort, user: user)
        request.set("Via", "SIP/2.0/UDP 127.0.0.1:\(viaPort.localPort);branch=z9hG4bK\(uniqueToken("d"))\(rport ? ";rport" : "")")
        try sender.send(request.bytes(), to: tern.port)
        let atViaPort = try viaPort.receiveReply(timeout: .seconds(1))
        let atSender = try sender.receiveReply(timeout: .milliseconds(300))
        return (atSender?.statusCode == 200, atViaPort?.statusCode == 200)
    }

    @Test func withoutRportTheReplyGoesToTheViaPort() throws {
        let outcome = try replyGoesTo(user: "plain", rport: false)
        #expect(outcome.toViaPort)
        #expect(!outcome.toSender)
    }

    @Test func rportSendsTheReplyToTheSourcePort() throws {
        let outcome = try replyGoesTo(user: "plain", rport: true)
        #expect(outcome.toSender)
        #expect(!outcome.toViaPort)
    }

    @Test func forceRportActsAsIfTheViaHadRport() throws {
        let outcome = try replyGoesTo(user: "forced", rport: false)
        #expect(outcome.toSender)
        #expect(!outcome.toViaPort)
    }
}
