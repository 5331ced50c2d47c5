import Foundation
import Testing
import TernTestSupport

/// 2xx responses to INVITE on the wire, as Kamailio's tm handles them: a 200 from t_reply is
/// retransmitted (T1 doubling) until its ACK — a new transaction matched by Call-ID, CSeq and
/// our To tag — and a 2xx a callee sends after fr_inv_timer already answered 408 upstream
/// still reaches the caller (RFC 3261 §16.7 step 5).
@Suite("Stateful 2xx handling", .serialized)
struct StatefulSuccessTests {
    static func config(calleePort: UInt16) -> String {
        TestConfigHead.udp(loading: ["tm", "sl", "rr"]) + """
        modparam("tm", "fr_inv_timer", 1000)

        request_route {
        \tif (method=="OPTIONS") {
        \t\tsl_send_reply("200", "OK");
        \t\texit;
        \t}
        \tif (method=="ACK") {
        \t\tif (loose_route()) {
        \t\t\tt_relay();
        \t\t\texit;
        \t\t}
        \t\tif (t_check_trans()) {
        \t\t\tt_relay();
        \t\t}
        \t\texit;
        \t}
        \tif (method=="INVITE" && $rU=="local") {
        \t\tif (!t_newtran()) {
        \t\t\texit;
        \t\t}
        \t\tt_reply("200", "OK");
        \t\texit;
        \t}
        \t$du = "sip:127.0.0.1:\(calleePort)";
        \tt_relay();
        \texit;
        }

        """
    }

    /// The ACK is seen by t_check_trans, or — sent with a Route to Tern — by t_relay after
    /// loose_route.
    @Test("t_reply 200 to an INVITE is retransmitted (T1 doubling) until its ACK, then silent",
          arguments: [false, true])
    func localSuccessRetransmitted(ackWithRoute: Bool) throws {
        let callee = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(calleePort: callee.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let invite = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort, user: "local")
        try phone.send(invite.bytes(), to: tern.port)
        let first = try #require(try phone.receiveReply(timeout: .seconds(2)) { $0.statusCode == 200 })
        let toWithTag = try #require(first.value(of: "To"))
        #expect(toWithTag.contains("tag="))
        // No ACK: the 200 comes again after T1 (500 ms), then after 2·T1.
        var repeated: [SIPReply] = []
        for _ in 0 ..< 2 {
            repeated.append(try #require(try phone.receiveReply(timeout: .seconds(2)) { $0.statusCode == 200 },
                                         "the local 200 was not retransmitted"))
        }
        #expect(repeated.allSatisfy { $0.value(of: "To") == toWithTag })
        // The ACK for a 2xx is its own transaction: a new branch, our To tag.
        var ack = invite.ack(to: toWithTag)
        ack.set("Via", "SIP/2.0/UDP 127.0.0.1:\(phone.localPort);branch=z9hG4bK\(uniqueToken("ack"));rport")
        if ackWithRoute {
            // Were it not absorbed, t_relay would send it on to the callee.
            ack.requestURI = "sip:local@127.0.0.1:\(callee.localPort)"
            ack.headers.insert((name: "Route", value: "<sip:127.0.0.1:\(tern.port);lr>"), at: 1)
        }
        try phone.send(ack.bytes(), to: tern.port)
        _ = try phone.drain(for: .milliseconds(300))
        let after = try phone.drain(for: .milliseconds(2500)).compactMap { SIPReply(bytes: $0) }
        #expect(after.isEmpty, "still retransmitting after the ACK: \(after.map(\.statusCode))")
        #expect(try callee.drain(for: .milliseconds(100)).isEmpty, "the ACK of the local 200 was relayed")
        expectStillServing(tern, after: "the local 200")
    }

    @Test("a 2xx the callee sends after fr_inv_timer's 408 went upstream still reaches the caller")
    func successAfterTimeout() throws {
        let callee = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(calleePort: callee.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let invite = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort)
        try phone.send(invite.bytes(), to: tern.port)
        let relayed = try #require(try callee.receive(timeout: .seconds(2)), "the INVITE was not relayed")
        let request = RawSIPMessage(bytes: relayed)
        #expect(request.startLine.hasPrefix("INVITE "))
        try callee.send(Self.reply(to: request, code: 180, reason: "Ringing"), to: tern.port)
        // fr_inv_timer (1 s) runs out: 408 upstream, CANCEL downstream.
        let timeout = try #require(try phone.receiveReply(timeout: .seconds(4)) { $0.statusCode == 408 },
                                   "no 408 after fr_inv_timer")
        // The callee answered before the CANCEL reached it.
        try callee.send(Self.reply(to: request, code: 200, reason: "OK"), to: tern.port)
        let late = try #require(try phone.receiveReply(timeout: .seconds(2)) { $0.statusCode == 200 },
                                "the 2xx after the 408 was not forwarded")
        #expect(late.value(of: "To")?.contains("tag=callee") == true)
        #expect(late.values(of: "Via").count == 1, "Tern's Via was not removed: \(late)")
        #expect(timeout.value(of: "Call-ID") == late.value(of: "Call-ID"))
        expectStillServing(tern, after: "the late 2xx")
    }

    /// The callee's reply to a relayed request: its Via headers, From, To with a tag, Call-ID
    /// and CSeq copied.
    static func reply(to request: RawSIPMessage, code: Int, reason: String) -> [UInt8] {
        var lines = ["SIP/2.0 \(code) \(reason)"]
        for field in request.fields {
            switch field.canonicalName {
            case "via", "from", "call-id", "cseq", "record-route":
                lines.append("\(field.name): \(field.value)")
            case "to":
                lines.append("\(field.name): \(field.value);tag=callee")
            default:
                break
            }
        }
        lines.append("Contact: <sip:callee@127.0.0.1>")
        lines.append("Content-Length: 0")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }
}
