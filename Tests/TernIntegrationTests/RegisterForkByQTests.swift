// Two contacts with different q for one AOR, then an INVITE through lookup("location") and
// t_relay(): with t_load_contacts/t_next_contacts the higher q is tried first and the lower only
// after it failed (serial forking); with append_branches alone both are tried at once, the
// higher q as branch 0 (parallel forking, as Kamailio does). The callees are raw UDP sockets,
// so the test sees exactly what reaches each and when.
import Foundation
import Testing
import TernTestSupport

@Suite("Register then call: two contacts fork by q", .serialized)
struct RegisterForkByQTests {
    static let config = TestConfigHead.udp(loading: ["tm", "sl", "pv", "siputils", "usrloc", "registrar"]) + """
        modparam("tm", "contacts_avp", "tm_contacts")
        modparam("tm", "contact_flows_avp", "tm_contact_flows")

        request_route {
            if (method == "REGISTER") {
                if (!save("location")) { sl_reply_error(); }
                exit;
            }
            if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
            if (has_totag() || method == "ACK") { t_relay(); exit; }
            $var(rc) = lookup("location");
            if ($var(rc) < 0) {
                sl_send_reply("404", "Not Found $var(rc)");
                exit;
            }
            if ($hdr(X-Fork) == "serial") {
                t_load_contacts();
                t_next_contacts();
                t_on_failure("NEXT_CONTACT");
            }
            t_relay();
        }

        failure_route[NEXT_CONTACT] {
            if (t_next_contacts()) {
                t_on_failure("NEXT_CONTACT");
                t_relay();
            }
        }
        """

    /// Tern, a caller socket, and carol's two phones registered with q=0.5 (listed first) and q=0.9.
    private struct Setup {
        let tern: TernProcess
        let caller: UDPEndpoint
        let low: UDPEndpoint
        let high: UDPEndpoint
    }

    private func setUp() throws -> Setup {
        let tern = try TernProcess.start(config: Self.config)
        let setup = Setup(tern: tern, caller: try UDPEndpoint(), low: try UDPEndpoint(), high: try UDPEndpoint())
        let lowURI = "sip:carol@127.0.0.1:\(setup.low.localPort)"
        let highURI = "sip:carol@127.0.0.1:\(setup.high.localPort)"
        var register = SIPRequestBuilder.request(method: "REGISTER", serverPort: tern.port, clientPort: setup.caller.localPort,
                                                 transport: "UDP", user: "carol", callID: uniqueToken("reg"), cseq: 1,
                                                 extraHeaders: [(name: "Contact", value: "<\(lowURI)>;q=0.5, <\(highURI)>;q=0.9"),
                                                                (name: "Expires", value: "600")])
        register.requestURI = "sip:127.0.0.1:\(tern.port)"
        register.set("From", "<sip:carol@127.0.0.1>;tag=\(uniqueToken("r"))")
        register.set("To", "<sip:carol@127.0.0.1>")
        try setup.caller.send(register.bytes(), to: tern.port)
        let registered = try #require(try setup.caller.receiveReply(timeout: .seconds(3)))
        #expect(registered.statusCode == 200, "\(registered)")
        // §10.3 step 8: the 200 lists both bindings, each with its q and expires.
        let listed = registered.values(of: "Contact").flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(listed.count == 2, "\(registered)")
        for (uri, q) in [(lowURI, "0.5"), (highURI, "0.9")] {
            let binding = listed.first { $0.hasPrefix("<\(uri)>") }
            #expect(binding?.contains(";q=\(q)") == true, "\(uri) with q=\(q) not listed: \(listed)")
            #expect(binding?.contains(";expires=") == true, "\(uri) without expires: \(listed)")
        }
        return setup
    }

    private func invite(_ setup: Setup, extraHeaders: [(name: String, value: String)]) throws -> String {
        let callID = uniqueToken("fork")
        let request = SIPRequestBuilder.invite(serverPort: setup.tern.port, clientPort: setup.caller.localPort, user: "carol",
                                               callID: callID, extraHeaders: extraHeaders)
        try setup.caller.send(request.bytes(), to: setup.tern.port)
        return callID
    }

    @Test("serial forking (t_load_contacts/t_next_contacts): q=0.9 rings first, q=0.5 only after it answered 486")
    func serialByQ() throws {
        let setup = try setUp()
        defer { setup.tern.stop() }
        let callID = try invite(setup, extraHeaders: [(name: "X-Fork", value: "serial")])

        let first = try #require(try Self.receiveRequest(setup.high, method: "INVITE", timeout: .seconds(3)),
                                 "the q=0.9 contact got no INVITE\n\(setup.tern.standardError.suffix(2000))")
        #expect(first.startLine == "INVITE sip:carol@127.0.0.1:\(setup.high.localPort) SIP/2.0")
        #expect(try Self.receiveRequest(setup.low, method: "INVITE", timeout: .milliseconds(700)) == nil,
                "the q=0.5 contact was called before the q=0.9 one failed")

        try setup.high.send(Self.reply(to: first, code: 486, reason: "Busy Here"), to: setup.tern.port)
        let second = try #require(try Self.receiveRequest(setup.low, method: "INVITE", timeout: .seconds(3)),
                                  "the q=0.5 contact got no INVITE after the 486\n\(setup.tern.standardError.suffix(2000))")
        #expect(second.startLine == "INVITE sip:carol@127.0.0.1:\(setup.low.localPort) SIP/2.0")
        #expect(second.value(of: "Call-ID") == callID)

        try setup.low.send(Self.reply(to: second, code: 200, reason: "OK", contact: "<sip:carol@127.0.0.1:\(setup.low.localPort)>"),
                           to: setup.tern.port)
        let answer = try setup.caller.receiveReply(timeout: .seconds(3)) { $0.statusCode >= 200 }
        #expect(answer?.statusCode == 200, "\(String(describing: answer))")
        #expect(answer?.value(of: "Contact")?.contains(":\(setup.low.localPort)") == true, "\(String(describing: answer))")
    }

    @Test("parallel forking (append_branches): both ring at once, q=0.9 as branch 0; its 200 cancels the q=0.5 branch")
    func parallelByQ() throws {
        let setup = try setUp()
        defer { setup.tern.stop() }
        _ = try invite(setup, extraHeaders: [])

        let high = try #require(try Self.receiveRequest(setup.high, method: "INVITE", timeout: .seconds(3)),
                                "\(setup.tern.standardError.suffix(2000))")
        let low = try #require(try Self.receiveRequest(setup.low, method: "INVITE", timeout: .seconds(3)),
                               "the q=0.5 contact was not called in parallel\n\(setup.tern.standardError.suffix(2000))")
        #expect(high.startLine == "INVITE sip:carol@127.0.0.1:\(setup.high.localPort) SIP/2.0")
        #expect(low.startLine == "INVITE sip:carol@127.0.0.1:\(setup.low.localPort) SIP/2.0")
        // tm's Via branch ends with the branch index: the R-URI (the highest q) is branch 0.
        #expect(Self.branchIndex(high) == "0", "\(String(describing: high.value(of: "Via")))")
        #expect(Self.branchIndex(low) == "1", "\(String(describing: low.value(of: "Via")))")

        // Both ring (a branch without a provisional reply gets no CANCEL, RFC 3261 §9.1), then
        // the q=0.9 phone answers.
        let lowTag = uniqueToken("low")
        try setup.low.send(Self.reply(to: low, code: 180, reason: "Ringing", tag: lowTag), to: setup.tern.port)
        try setup.high.send(Self.reply(to: high, code: 180, reason: "Ringing"), to: setup.tern.port)
        let ringing = try setup.caller.receiveReply(timeout: .seconds(3)) { $0.statusCode == 180 }
        #expect(ringing != nil, "no 180 reached the caller")
        try setup.high.send(Self.reply(to: high, code: 200, reason: "OK", contact: "<sip:carol@127.0.0.1:\(setup.high.localPort)>"),
                            to: setup.tern.port)
        let answer = try setup.caller.receiveReply(timeout: .seconds(3)) { $0.statusCode >= 200 }
        #expect(answer?.statusCode == 200, "\(String(describing: answer))")
        let cancel = try Self.receiveRequest(setup.low, method: "CANCEL", timeout: .seconds(3))
        #expect(cancel != nil, "the q=0.5 branch was not cancelled after the 200\n\(setup.tern.standardError.suffix(2000))")
        if let cancel {
            try setup.low.send(Self.reply(to: cancel, code: 200, reason: "OK"), to: setup.tern.port)
            try setup.low.send(Self.reply(to: low, code: 487, reason: "Request Terminated", tag: lowTag), to: setup.tern.port)
        }
    }

    // MARK: a callee made of one socket

    /// The next request of `method` that reaches `socket` (retransmissions of others skipped).
    private static func receiveRequest(_ socket: UDPEndpoint, method: String, timeout: Duration) throws -> RawSIPMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, let datagram = try socket.receive(timeout: left) else { return nil }
            let message = RawSIPMessage(bytes: datagram)
            if message.startLine.hasPrefix(method + " ") { return message }
        }
    }

    /// A reply as a UAS makes it (RFC 3261 §8.2.6): every Via, From, To (with a tag), Call-ID, CSeq.
    private static func reply(to request: RawSIPMessage, code: Int, reason: String, contact: String? = nil,
                              tag: String = uniqueToken("callee")) -> [UInt8] {
        var lines = ["SIP/2.0 \(code) \(reason)"]
        for via in request.values(of: "Via") { lines.append("Via: \(via)") }
        lines.append("From: \(request.value(of: "From") ?? "")")
        let to = request.value(of: "To") ?? ""
        lines.append("To: \(to)" + (to.contains(";tag=") ? "" : ";tag=\(tag)"))
        lines.append("Call-ID: \(request.value(of: "Call-ID") ?? "")")
        lines.append("CSeq: \(request.value(of: "CSeq") ?? "")")
        if let contact { lines.append("Contact: \(contact)") }
        lines.append("Content-Length: 0")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// The last dot-separated part of the top Via's branch.
    private static func branchIndex(_ request: RawSIPMessage) -> String? {
        guard let top = request.value(of: "Via").flatMap(ViaValue.init), case let branch?? = top.parameter("branch") else { return nil }
        return branch.split(separator: ".").last.map(String.init)
    }
}
