// tm's UAC API in process: requests sent from a bound 127.0.0.1 socket to a UDP peer, the
// peer's replies handed to tm's reply consumers as the router would, timers fired by hand.
import SIPCore
import SIPTransaction
import SIPTransport
@testable import TernModules
@testable import TernRuntime
import TernScript
import TernTestSupport
import Testing

@Suite("tm UAC: local requests and their dialogs", .serialized)
struct TMLocalRequestTests {
    /// A configured tm whose send path has one bound UDP socket, and a peer to talk to.
    final class Bench {
        let harness: ScriptTestHarness
        let listener: UDPListener
        let peer: UDPEndpoint
        let tm: TMModule

        init(routes: (_ peerPort: UInt16) -> String = { _ in "request_route { exit; }" }) throws {
            peer = try UDPEndpoint()
            guard let h = TMAsyncTests.harness(routes(peer.localPort)) else { throw BenchError.noHarness }
            harness = h
            listener = try UDPListener(address: ListenAddress(proto: .udp, host: "127.0.0.1", port: Int(try FreePort.udp())))
            h.services.sendPath.register(listener)
            tm = try #require(TransactionAPI.service(for: h.services) as? TMModule)
        }

        deinit {
            tm.stop()
            listener.stop()
            peer.close()
        }

        var requests: TMLocalRequests { get throws { try #require(tm.core?.asyncState.localRequests) } }

        /// The next request the peer receives, parsed.
        func receive(timeout: Duration = .seconds(3)) throws -> SIPMessage? {
            guard let bytes = try peer.receive(timeout: timeout) else { return nil }
            return try SIPMessage.parse(bytes)
        }

        /// Gives a reply to tm as the router gives received replies.
        func deliver(_ reply: [UInt8]) throws {
            let message = try SIPMessage.parse(reply)
            let receive = ReceiveInfo(proto: .udp, source: SocketAddressText(ip: "127.0.0.1", port: Int(peer.localPort)),
                                      local: SocketAddressText(ip: "127.0.0.1", port: listener.address.port),
                                      reply: CapturedReplies())
            let taken = harness.services.replyConsumers.contains { $0.consume(message, receive, worker: WorkerScriptState()) }
            #expect(taken, "no consumer took the reply")
        }
    }

    enum BenchError: Error { case noHarness }

    final class OutcomeBox: @unchecked Sendable {
        var outcomes: [LocalRequestOutcome] = []
    }

    /// A reply to `request`: its Via, From, Call-ID and CSeq, To with a tag, and `extra` lines.
    static func reply(_ code: Int, _ reason: String, to request: SIPMessage, extra: [String] = []) -> [UInt8] {
        var lines = ["SIP/2.0 \(code) \(reason)"]
        for field in request.headers where [.via, .from, .callID, .cseq].contains(field.name) {
            lines.append(request.string(field.nameRange.lowerBound ..< field.valueRange.upperBound))
        }
        if let to = request.firstHeader(.to) { lines.append("To: " + request.string(to.valueRange) + ";tag=peer1") }
        lines += extra
        lines.append("Content-Length: 0")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    static func header(_ message: SIPMessage, _ name: HeaderName) -> String? {
        message.firstHeader(name).map { message.string($0.valueRange) }
    }

    @Test("MESSAGE: From tag, Call-ID, CSeq, Max-Forwards and Content-Length added; the 200 completes it")
    func messageCompletes() throws {
        let bench = try Bench()
        let box = OutcomeBox()
        let request = LocalRequest(method: "MESSAGE", requestURI: "sip:bob@127.0.0.1:\(bench.peer.localPort)",
                                   headers: "From: <sip:alice@127.0.0.1>\r\nTo: <sip:bob@127.0.0.1>\r\nContent-Type: text/plain\r\nContent-Length: 99\r\n",
                                   body: Array("hello bob".utf8))
        #expect(bench.tm.startRequest(request) { box.outcomes.append($0) })
        let sent = try #require(try bench.receive())
        #expect(sent.string(sent.requestURIRange) == "sip:bob@127.0.0.1:\(bench.peer.localPort)")
        #expect(try sent.from().tag != nil)
        #expect(Self.header(sent, .callID)?.isEmpty == false)
        #expect(Self.header(sent, .cseq) == "10 MESSAGE")
        #expect(Self.header(sent, .maxForwards) == "70")
        #expect(Self.header(sent, .contentLength) == "9")
        #expect(String(decoding: sent.body, as: UTF8.self) == "hello bob")
        let via = try sent.topVia()
        #expect(sent.string(try #require(via.branch)).hasPrefix("z9hG4bKuac"))
        #expect(box.outcomes.isEmpty)
        try bench.deliver(Self.reply(200, "OK", to: sent))
        #expect(box.outcomes.map(\.code) == [200])
        #expect(box.outcomes.first?.reason == "OK")
        // A retransmitted 200 completes nothing twice.
        try bench.deliver(Self.reply(200, "OK", to: sent))
        #expect(box.outcomes.count == 1)
    }

    @Test("No answer: Timer F gives a local 408")
    func timeoutGives408() throws {
        let bench = try Bench()
        let box = OutcomeBox()
        let request = LocalRequest(method: "OPTIONS", requestURI: "sip:nobody@127.0.0.1:\(bench.peer.localPort)",
                                   headers: "From: <sip:alice@127.0.0.1>\r\nTo: <sip:nobody@127.0.0.1>\r\n")
        #expect(bench.tm.startRequest(request) { box.outcomes.append($0) })
        let sent = try #require(try bench.receive())
        let branch = sent.string(try #require(try sent.topVia().branch))
        let label = try #require(UInt32(branch.dropFirst("z9hG4bKuac".count).prefix { $0 != "." }, radix: 16))
        try bench.requests.fire(TMTimerKey(transaction: TransactionID(hashIndex: TMLocalRequests.hashIndex, label: label),
                                           owner: .branch(0), timer: .f))
        #expect(box.outcomes.map(\.code) == [408])
        #expect(box.outcomes.first?.reply.isEmpty == true)
        #expect(try bench.requests.count == 0, "the transaction is gone")
    }

    @Test("Missing From or To, or a body without Content-Type: refused, nothing sent")
    func requiredHeaders() throws {
        let bench = try Bench()
        let uri = "sip:bob@127.0.0.1:\(bench.peer.localPort)"
        #expect(!bench.tm.startRequest(LocalRequest(method: "MESSAGE", requestURI: uri, headers: "To: <sip:bob@127.0.0.1>\r\n")) { _ in })
        #expect(!bench.tm.startRequest(LocalRequest(method: "MESSAGE", requestURI: uri, headers: "From: <sip:a@127.0.0.1>\r\n")) { _ in })
        #expect(!bench.tm.startRequest(LocalRequest(method: "MESSAGE", requestURI: uri,
                                                    headers: "From: <sip:a@127.0.0.1>\r\nTo: <sip:bob@127.0.0.1>\r\n",
                                                    body: Array("text".utf8))) { _ in })
        #expect(try bench.receive(timeout: .milliseconds(200)) == nil)
    }

    @Test("INVITE: the 2xx is acknowledged along its route set; the dialog then carries REFER and BYE")
    func inviteDialog() throws {
        let bench = try Bench()
        let box = OutcomeBox()
        let port = bench.peer.localPort
        let invite = LocalRequest(method: "INVITE", requestURI: "sip:caller@127.0.0.1:\(port)",
                                  headers: "From: <sip:controller@127.0.0.1>\r\nTo: <sip:caller@127.0.0.1>\r\nContact: <sip:controller@127.0.0.1>\r\n")
        #expect(bench.tm.startRequest(invite) { box.outcomes.append($0) })
        let sent = try #require(try bench.receive())
        #expect(sent.methodIs(.invite))
        try bench.deliver(Self.reply(180, "Ringing", to: sent))
        #expect(box.outcomes.isEmpty, "a provisional reply completes nothing")
        // The callee's contact is elsewhere; a proxy on the peer's port recorded the route.
        let ok = Self.reply(200, "OK", to: sent, extra: [
            "Contact: <sip:caller@127.0.0.1:9>",
            "Record-Route: <sip:127.0.0.1:\(port);lr;ftag=x>",
        ])
        try bench.deliver(ok)
        #expect(box.outcomes.map(\.code) == [200])
        let ack = try #require(try bench.receive())
        #expect(ack.methodIs(.ack))
        #expect(ack.string(ack.requestURIRange) == "sip:caller@127.0.0.1:9")
        #expect(Self.header(ack, .route) == "<sip:127.0.0.1:\(port);lr;ftag=x>")
        #expect(Self.header(ack, .cseq) == "10 ACK")
        #expect(try ack.to().tag.map { ack.string($0) } == "peer1")
        #expect(Self.header(ack, .callID) == Self.header(sent, .callID))

        var dialog = try #require(LocalDialog(reply: ok))
        #expect(dialog.remoteTarget == "sip:caller@127.0.0.1:9")
        // The ACK the management client sends for the same 2xx is the one already sent.
        var copy = dialog
        #expect(bench.tm.startRequest(copy.request(method: "ACK")) { box.outcomes.append($0) })
        let refer = dialog.request(method: "REFER", headers: "Refer-To: <sip:callee@127.0.0.1>\r\nReferred-By: <sip:controller@127.0.0.1>\r\n")
        #expect(bench.tm.startRequest(refer) { box.outcomes.append($0) })
        let sentRefer = try #require(try bench.receive())
        #expect(sentRefer.methodIs(.refer), "the REFER comes next, with no second ACK before it")
        #expect(Self.header(sentRefer, .cseq) == "11 REFER")
        #expect(Self.header(sentRefer, .route) == "<sip:127.0.0.1:\(port);lr;ftag=x>")
        try bench.deliver(Self.reply(202, "Accepted", to: sentRefer))
        let bye = dialog.request(method: "BYE")
        #expect(bench.tm.startRequest(bye) { box.outcomes.append($0) })
        let sentBye = try #require(try bench.receive())
        #expect(Self.header(sentBye, .cseq) == "12 BYE")
        try bench.deliver(Self.reply(200, "OK", to: sentBye))
        #expect(box.outcomes.map(\.code) == [200, 200, 202, 200])
    }

    // MARK: callbacks on a relayed call

    static func relayBench() throws -> Bench {
        try Bench { port in
            """
            request_route {
                if (is_method("CANCEL")) { t_relay(); exit; }
                $du = "sip:127.0.0.1:\(port)";
                t_relay();
            }
            """
        }
    }

    @Test("Callbacks on a relayed call, in order: request in, 100 out, 180 in/out, 200 in/out, completed")
    func callbacksOnARelayedCall() throws {
        let bench = try Self.relayBench()
        let log = TMAsyncTests.EventLog()
        #expect(bench.tm.register(events: .all, context: nil) { info in log.events.append((info.event, info.code)) })
        let run = bench.harness.run(ScriptTestHarness.request())
        let relayed = try #require(try bench.receive())
        try bench.deliver(Self.reply(180, "Ringing", to: relayed))
        try bench.deliver(Self.reply(200, "OK", to: relayed))
        #expect(run.replies.map(\.statusCode) == [100, 180, 200])
        #expect(log.names == ["requestIn", "responseOut 100", "responseIn 180", "responseOut 180",
                              "responseIn 200", "responseOut 200", "completed 200"])
    }

    @Test("Callbacks when the caller cancels: the CANCEL completes, e2e CANCEL on the INVITE, then its 487 as failure and completion")
    func callbacksOnCancel() throws {
        let bench = try Self.relayBench()
        let log = TMAsyncTests.EventLog()
        #expect(bench.tm.register(events: [.endToEndCancel, .onFailure, .completed], context: nil) { info in
            log.events.append((info.event, info.code))
        })
        let run = bench.harness.run(ScriptTestHarness.request())
        let relayed = try #require(try bench.receive())
        try bench.deliver(Self.reply(180, "Ringing", to: relayed))
        _ = bench.harness.run(ScriptTestHarness.request(method: "CANCEL"))
        let cancel = try #require(try bench.receive())
        #expect(cancel.methodIs(.cancel))
        try bench.deliver(Self.reply(200, "OK", to: cancel))
        try bench.deliver(Self.reply(487, "Request Terminated", to: relayed))
        #expect(run.replies.map(\.statusCode) == [100, 180, 487])
        // The CANCEL is a transaction too: its own 200 completes it first.
        #expect(log.names == ["completed 200", "e2eCancel", "onFailure 487", "completed 487"])
    }

    @Test("$T(reply_code), $T(reply_last) and $T(branch_index) in failure_route")
    func transactionKeysInFailureRoute() throws {
        let bench = try Bench { port in
            """
            request_route {
                $du = "sip:127.0.0.1:\(port)";
                t_on_failure("F");
                t_relay();
            }
            failure_route[F] { t_reply("500", "code $T(reply_code) last $T(reply_last) branch $T(branch_index)"); }
            """
        }
        let run = bench.harness.run(ScriptTestHarness.request(method: "MESSAGE"))
        let relayed = try #require(try bench.receive())
        try bench.deliver(Self.reply(486, "Busy Here", to: relayed))
        #expect(run.replies.map(\.statusCode) == [500])
        #expect(run.replies.first?.reasonPhrase == "code 486 last 486 branch 0")
    }
}
