import Foundation
import Testing
import TernTestSupport

/// tm functions that need a real exchange: branch_route armed by t_on_branch runs once per
/// branch of a parallel fork (and t_is_branch_route is true only there), and
/// t_relay_to_udp(host, port) sends the request to that UDP endpoint.
@Suite("tm functions on the wire", .serialized)
struct TMFunctionNetworkTests {
    static func config(first: UInt16, second: UInt16, direct: UInt16) -> String {
        TestConfigHead.udp(loading: ["tm", "tmx", "sl", "textops"]) + """
        request_route {
        \tif (method=="OPTIONS") {
        \t\tsl_send_reply("200", "OK");
        \t\texit;
        \t}
        \tif (method=="ACK") {
        \t\tt_check_trans();
        \t\texit;
        \t}
        \tif (method=="SUBSCRIBE" || method=="PUBLISH") {
        \t\t$ru = "sip:first@127.0.0.1:\(first)";
        \t\tappend_branch("sip:second@127.0.0.1:\(second)");
        \t\tif (method=="PUBLISH") { t_on_failure("drop"); } else { t_on_failure("answered"); }
        \t\tt_relay();
        \t\texit;
        \t}
        \tif (method=="MESSAGE") {
        \t\tt_relay_to_udp("127.0.0.1", \(direct));
        \t\texit;
        \t}
        \tif (t_is_branch_route()) {
        \t\tappend_hf("X-Request-Route-Says-Branch: yes\\r\\n");
        \t}
        \t$ru = "sip:first@127.0.0.1:\(first)";
        \tappend_branch("sip:second@127.0.0.1:\(second)");
        \tt_on_branch("mark");
        \tt_relay();
        \texit;
        }

        failure_route[answered] {
        \t$var(replied) = t_any_replied();
        \t$var(timeout) = t_any_timeout();
        \t$var(g486) = t_grep_status("486");
        \t$var(g603) = t_grep_status("603");
        \t$var(fr) = t_is_failure_route();
        \t$var(br) = t_is_branch_route();
        \t$var(c) = t_get_status_code();
        \t$var(rt) = $T(reply_type);
        \t$var(s) = "c" + $var(c) + " y" + $var(rt) + " r" + $var(replied) + " t" + $var(timeout) + " g" + $var(g486) + " n" + $var(g603) + " f" + $var(fr) + " b" + $var(br);
        \tt_reply("500", "$var(s)");
        }

        failure_route[drop] {
        \tt_drop_replies();
        }

        branch_route[mark] {
        \tif (t_is_branch_route()) {
        \t\tappend_hf("X-Branch-Route: $T_branch_idx\\r\\n");
        \t}
        }

        """
    }

    private static func firstRequest(_ endpoint: UDPEndpoint) throws -> String? {
        guard let bytes = try endpoint.receive(timeout: .seconds(3)) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("t_on_branch: branch_route runs once for each of two branches; t_is_branch_route is false in request_route")
    func branchRoutePerBranch() throws {
        let first = try UDPEndpoint()
        let second = try UDPEndpoint()
        let direct = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(first: first.localPort, second: second.localPort,
                                                             direct: direct.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        try phone.send(SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort).bytes(), to: tern.port)
        let a = try #require(try Self.firstRequest(first), "no INVITE on the first branch\n\(tern.standardError.suffix(2000))")
        let b = try #require(try Self.firstRequest(second), "no INVITE on the second branch")
        #expect(a.hasPrefix("INVITE sip:first@"))
        #expect(b.hasPrefix("INVITE sip:second@"))
        #expect(Self.count("X-Branch-Route:", in: a) == 1, "\(a)")
        #expect(Self.count("X-Branch-Route:", in: b) == 1, "\(b)")
        #expect(!a.contains("X-Request-Route-Says-Branch"))
        #expect(!b.contains("X-Request-Route-Says-Branch"))
    }

    /// A final reply to a request received as text: its Via, From, Call-ID and CSeq, a To tag.
    private static func reply(_ code: Int, to request: String) -> [UInt8] {
        let lines = request.components(separatedBy: "\r\n")
        var out = ["SIP/2.0 \(code) Whatever"]
        for line in lines {
            let name = line.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if ["via", "v", "from", "f", "call-id", "i", "cseq"].contains(name) { out.append(line) }
            if name == "to" || name == "t" { out.append(line + ";tag=uas\(code)") }
        }
        out += ["Content-Length: 0", "", ""]
        return Array(out.joined(separator: "\r\n").utf8)
    }

    @Test("failure_route after 486 and 404: t_get_status_code 404, $T(reply_type) 0, t_any_replied 1, t_any_timeout -1, t_grep_status finds 486 not 603, t_is_failure_route 1, t_is_branch_route -1")
    func failureRouteQuestions() throws {
        let first = try UDPEndpoint()
        let second = try UDPEndpoint()
        let direct = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(first: first.localPort, second: second.localPort,
                                                             direct: direct.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let subscribe = SIPRequestBuilder.request(method: "SUBSCRIBE", serverPort: tern.port, clientPort: phone.localPort,
                                                  transport: "UDP", user: "bob", callID: "tm-failure-questions-1", cseq: 1,
                                                  extraHeaders: [(name: "Event", value: "presence")])
        try phone.send(subscribe.bytes(), to: tern.port)
        let a = try #require(try Self.firstRequest(first), "no SUBSCRIBE on the first branch\n\(tern.standardError.suffix(2000))")
        let b = try #require(try Self.firstRequest(second), "no SUBSCRIBE on the second branch")
        try first.send(Self.reply(486, to: a), to: tern.port)
        try second.send(Self.reply(404, to: b), to: tern.port)
        let final = try #require(try phone.receiveReply(timeout: .seconds(3)) { $0.statusCode >= 200 },
                                 "no final reply\n\(tern.standardError.suffix(2000))")
        #expect(final.statusCode == 500)
        #expect(final.reasonPhrase == "c404 y0 r1 t-1 g1 n-1 f1 b-1", "values as Kamailio 5.6 gives them")
    }

    @Test("t_drop_replies in failure_route: the 486/404 are dropped and the caller gets 500, as in Kamailio")
    func dropReplies() throws {
        let first = try UDPEndpoint()
        let second = try UDPEndpoint()
        let direct = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(first: first.localPort, second: second.localPort,
                                                             direct: direct.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let publish = SIPRequestBuilder.request(method: "PUBLISH", serverPort: tern.port, clientPort: phone.localPort,
                                                transport: "UDP", user: "bob", callID: "tm-drop-replies-1", cseq: 1,
                                                extraHeaders: [(name: "Event", value: "presence")])
        try phone.send(publish.bytes(), to: tern.port)
        let a = try #require(try Self.firstRequest(first), "no PUBLISH on the first branch\n\(tern.standardError.suffix(2000))")
        let b = try #require(try Self.firstRequest(second), "no PUBLISH on the second branch")
        try first.send(Self.reply(486, to: a), to: tern.port)
        try second.send(Self.reply(404, to: b), to: tern.port)
        let final = try #require(try phone.receiveReply(timeout: .seconds(3)) { $0.statusCode >= 200 },
                                 "no final reply\n\(tern.standardError.suffix(2000))")
        #expect(final.statusCode == 500, "\(final)")
    }

    @Test("t_relay_to_udp(host, port) sends the request to that UDP endpoint")
    func relayToUDPHostPort() throws {
        let first = try UDPEndpoint()
        let second = try UDPEndpoint()
        let direct = try UDPEndpoint()
        let tern = try TernProcess.start(config: Self.config(first: first.localPort, second: second.localPort,
                                                             direct: direct.localPort))
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let message = SIPRequestBuilder.request(method: "MESSAGE", serverPort: tern.port, clientPort: phone.localPort,
                                                transport: "UDP", user: "bob", callID: "tm-relay-to-udp-1", cseq: 1,
                                                extraHeaders: [])
        try phone.send(message.bytes(), to: tern.port)
        let got = try #require(try Self.firstRequest(direct), "nothing reached the endpoint\n\(tern.standardError.suffix(2000))")
        #expect(got.hasPrefix("MESSAGE sip:bob@"))
        #expect(got.contains("tm-relay-to-udp-1"))
    }
}
