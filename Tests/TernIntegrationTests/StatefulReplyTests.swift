import Foundation
import Testing
import TernTestSupport

/// Local stateful replies and non-INVITE timeouts, on the wire: a 486 from t_reply is resent
/// for a retransmitted INVITE and retransmitted (Timer G) until the ACK; sl's send_reply
/// answers through the transaction once there is one; a relayed MESSAGE nobody answers is
/// retransmitted (Timer E) and gets no 408 upstream (RFC 4320).
@Suite("Stateful replies", .serialized)
struct StatefulReplyTests {
    static func config(silentPort: UInt16) -> String {
        TestConfigHead.udp(loading: ["tm", "sl"]) + """
        modparam("tm", "fr_timer", 1200)

        request_route {
        \tif (method=="OPTIONS") {
        \t\tsl_send_reply("200", "OK");
        \t\texit;
        \t}
        \tif (method=="ACK") {
        \t\tt_check_trans();
        \t\texit;
        \t}
        \tif (method=="INVITE") {
        \t\tif (!t_newtran()) {
        \t\t\texit;
        \t\t}
        \t\tt_reply("486", "Busy Here");
        \t\texit;
        \t}
        \tif (method=="INFO") {
        \t\tt_newtran();
        \t\tsend_reply("202", "Stateful");
        \t\texit;
        \t}
        \t$du = "sip:127.0.0.1:\(silentPort)";
        \tt_relay();
        \texit;
        }

        """
    }

    @Test("t_reply: the 486 is resent for a retransmitted INVITE, retransmitted until the ACK, then silent")
    func statefulNegativeReply() throws {
        let silent = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(silentPort: silent.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let invite = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort)
        try phone.send(invite.bytes(), to: tern.port)
        let first = try #require(try phone.receiveReply(timeout: .seconds(2)) { $0.statusCode == 486 })
        // No ACK yet: Timer G sends the 486 again after T1 (500 ms).
        let again = try #require(try phone.receiveReply(timeout: .seconds(2)) { $0.statusCode == 486 },
                                 "the 486 was not retransmitted")
        #expect(again.value(of: "To") == first.value(of: "To"))
        // A retransmitted INVITE gets the same reply.
        try phone.send(invite.bytes(), to: tern.port)
        let resent = try #require(try phone.receiveReply(timeout: .seconds(2)) { $0.statusCode == 486 })
        #expect(resent.value(of: "To") == first.value(of: "To"))
        // The ACK (same branch, our To tag) stops the retransmissions.
        let ack = invite.ack(to: try #require(first.value(of: "To")))
        try phone.send(ack.bytes(), to: tern.port)
        _ = try phone.drain(for: .milliseconds(300))
        let after = try phone.drain(for: .milliseconds(2500)).compactMap { SIPReply(bytes: $0) }
        #expect(after.isEmpty, "still retransmitting after the ACK: \(after.map(\.statusCode))")
        expectStillServing(tern, after: "the stateful 486")
    }

    @Test("sl's send_reply answers through the transaction made by t_newtran")
    func sendReplyIsStateful() throws {
        let silent = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(silentPort: silent.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let info = SIPRequestBuilder.request(method: "INFO", serverPort: tern.port, clientPort: phone.localPort,
                                             transport: "UDP", user: "bob", callID: uniqueToken("info"), cseq: 1,
                                             extraHeaders: [])
        try phone.send(info.bytes(), to: tern.port)
        let reply = try #require(try phone.receiveReply(timeout: .seconds(2)))
        #expect(reply.statusCode == 202)
        // The retransmission stops at t_newtran (0 ends the script) and the transaction answers.
        try phone.send(info.bytes(), to: tern.port)
        let resent = try #require(try phone.receiveReply(timeout: .seconds(2)))
        #expect(resent.statusCode == 202)
        #expect(resent.value(of: "To") == reply.value(of: "To"))
    }

    @Test("a relayed MESSAGE nobody answers is retransmitted and gets no 408 (RFC 4320)")
    func nonInviteTimeoutSendsNothing() throws {
        let silent = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(silentPort: silent.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let message = SIPRequestBuilder.request(method: "MESSAGE", serverPort: tern.port, clientPort: phone.localPort,
                                                transport: "UDP", user: "bob", callID: uniqueToken("msg"), cseq: 1,
                                                extraHeaders: [])
        try phone.send(message.bytes(), to: tern.port)
        let copies = try silent.drain(for: .milliseconds(1500))
        #expect(copies.count >= 2, "expected the MESSAGE and its retransmission (Timer E), got \(copies.count)")
        #expect(copies.allSatisfy { String(decoding: $0.prefix(7), as: UTF8.self) == "MESSAGE" })
        let replies = try phone.drain(for: .milliseconds(1500)).compactMap { SIPReply(bytes: $0) }
        #expect(replies.isEmpty, "the caller got \(replies.map(\.statusCode)) after the timeout")
    }
}
