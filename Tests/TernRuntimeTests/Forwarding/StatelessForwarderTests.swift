// forward() in process: the script runs on a message, the request leaves through a real UDP
// listener bound on 127.0.0.1 and arrives at a test socket, byte for byte what we expect.
import SIPCore
import SIPTransport
import TernScript
import TernTestSupport
import Testing

@testable import TernRuntime

/// A compiled script whose worker reaches a send path with one UDP listener on 127.0.0.1.
final class ForwardingBench {
    let harness: ScriptTestHarness
    let listener: UDPListener
    let peer: UDPEndpoint
    let worker: WorkerScriptState

    init?(_ routes: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        peer = try UDPEndpoint()
        listener = try UDPListener(address: ListenAddress(proto: .udp, host: "127.0.0.1", port: 0))
        let config = routes.replacingOccurrences(of: "{PEER}", with: String(peer.localPort))
        switch ScriptTestHarness.load(config) {
        case .success(let loaded): harness = loaded
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        }
        harness.services.sendPath.register(listener)
        // onsend_route is found through the script the services serve.
        harness.services.install(ActiveScript(script: harness.config.script, generation: 1))
        harness.config.script.myself.add(host: "127.0.0.1", port: listener.address.port)
        worker = WorkerScriptState()
        worker.runtime = harness.services
    }

    deinit { harness.services.sendPath.removeAll() }

    var localPort: Int { listener.address.port }

    func run(_ message: SIPMessage) -> ScriptTestHarness.Run {
        harness.run(message, worker: worker)
    }

    func received(timeout: Duration = .seconds(2)) throws -> String? {
        try peer.receive(timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

@Suite struct StatelessForwarderTests {
    static let invite = ScriptTestHarness.message([
        "INVITE sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
        "Max-Forwards: 70",
        "From: <sip:alice@example.com>;tag=1928301774",
        "To: <sip:bob@example.com>",
        "Call-ID: a84b4c76e66710",
        "CSeq: 314159 INVITE",
    ])

    @Test func forwardToDestinationURI() throws {
        guard let bench = try ForwardingBench("""
            request_route { $du = "sip:127.0.0.1:{PEER}"; forward(); }
            """) else { return }
        let run = bench.run(Self.invite)
        #expect(run.outcome.returnCode == 1)
        let branch = StatelessBranch.make(for: Self.invite, target: SendTarget(
            proto: .udp, address: SocketAddressText(ip: "127.0.0.1", port: Int(bench.peer.localPort))))
        let got = try bench.received()
        #expect(got == """
            INVITE sip:bob@example.com SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:\(bench.localPort);branch=\(branch)\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060\r
            Max-Forwards: 70\r
            From: <sip:alice@example.com>;tag=1928301774\r
            To: <sip:bob@example.com>\r
            Call-ID: a84b4c76e66710\r
            CSeq: 314159 INVITE\r
            Content-Length: 0\r
            \r

            """, "\(got ?? "nothing")")
        #expect(bench.harness.services.core.detail.forwardedRequests.current == 1)
    }

    @Test func forwardToHostAndPortWithLocalRport() throws {
        guard let bench = try ForwardingBench("""
            request_route { add_local_rport(); $ru = "sip:carol@example.org"; forward("127.0.0.1", {PEER}); }
            """) else { return }
        _ = bench.run(Self.invite)
        let text = try #require(try bench.received())
        #expect(text.hasPrefix("INVITE sip:carol@example.org SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(bench.localPort);branch=z9hG4bKsl"))
        #expect(text.contains(";rport\r\nVia: SIP/2.0/UDP 192.0.2.10"))
    }

    @Test func retransmissionGetsTheSameBytes() throws {
        guard let bench = try ForwardingBench("request_route { forward(\"udp:127.0.0.1:{PEER}\"); }") else { return }
        _ = bench.run(Self.invite)
        let first = try bench.received()
        _ = bench.run(Self.invite)
        #expect(first != nil)
        #expect(try bench.received() == first)
    }

    @Test func onsendRouteSeesTheMessageAndMayDropIt() throws {
        guard let bench = try ForwardingBench("""
            loadmodule "pv.so"
            request_route {
                $du = "sip:127.0.0.1:{PEER}";
                if (forward()) { $var(r) = "sent"; } else { $var(r) = "stopped"; }
            }
            onsend_route {
                $var(seen) = $snd(ip) + ":" + $snd(port) + "/" + $snd(sproto) + "/" + $snd(len);
                if ($snd(buf) =~ "Call-ID: drop-me") { drop; }
            }
            """) else { return }
        let run = bench.run(Self.invite)
        #expect(run.variable("r") == .string("sent"))
        let sent = try #require(try bench.received())
        #expect(run.variable("seen") == .string("127.0.0.1:\(bench.peer.localPort)/udp/\(sent.utf8.count)"))

        let dropped = ScriptTestHarness.message([
            "OPTIONS sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1",
            "Call-ID: drop-me", "CSeq: 1 OPTIONS",
        ])
        let second = bench.run(dropped)
        #expect(second.variable("r") == .string("stopped"))
        #expect(try bench.received(timeout: .milliseconds(300)) == nil)
        #expect(bench.harness.services.core.detail.forwardedRequests.current == 1)
    }

    @Test func unresolvableHostSendsNothing() throws {
        guard let bench = try ForwardingBench("""
            request_route {
                $du = "sip:no-such-host.invalid";
                if (!forward()) { $var(r) = "failed"; }
            }
            """) else { return }
        let run = bench.run(Self.invite)
        #expect(run.variable("r") == .string("failed"))
        #expect(run.replies.isEmpty)
        #expect(try bench.received(timeout: .milliseconds(300)) == nil)
    }

    @Test func sendPassesTheRequestOnUnchanged() throws {
        guard let bench = try ForwardingBench("""
            loadmodule "textops.so"
            request_route { append_hf("X-Not: sent\\r\\n"); send("127.0.0.1:{PEER}"); }
            """) else { return }
        _ = bench.run(Self.invite)
        #expect(try bench.received() == String(decoding: Self.invite.bytes, as: UTF8.self))
    }

    @Test(arguments: ["forward(\"no host:x\");", "forward(\"127.0.0.1\", \"port\");"])
    func badConstantArgumentsAreConfigErrors(call: String) {
        guard case .failure = ScriptTestHarness.load("request_route { \(call) }") else {
            Issue.record("\(call) loaded")
            return
        }
    }
}

@Suite struct StatelessReplyRelayTests {
    @Test func ourViaIsRemovedAndTheReplyGoesToTheNextHop() throws {
        guard let bench = try ForwardingBench("request_route { }") else { return }
        let reply = ScriptTestHarness.message([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 127.0.0.1:\(bench.localPort);branch=z9hG4bKsl0123456789abcdef",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;received=127.0.0.1;branch=z9hG4bK1;rport=\(bench.peer.localPort)",
            "From: <sip:a@example.com>;tag=1",
            "To: <sip:b@example.com>;tag=2",
            "Call-ID: c",
            "CSeq: 1 INVITE",
        ])
        let outcome = StatelessReplyRelay.relay(reply, services: bench.harness.services, myself: bench.harness.config.script.myself)
        #expect(outcome == .relayed(SendTarget(proto: .udp, address: SocketAddressText(ip: "127.0.0.1", port: Int(bench.peer.localPort)))))
        #expect(try bench.received() == """
            SIP/2.0 200 OK\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;received=127.0.0.1;branch=z9hG4bK1;rport=\(bench.peer.localPort)\r
            From: <sip:a@example.com>;tag=1\r
            To: <sip:b@example.com>;tag=2\r
            Call-ID: c\r
            CSeq: 1 INVITE\r
            Content-Length: 0\r
            \r

            """)
        #expect(bench.harness.services.core.detail.forwardedReplies.current == 1)
    }

    @Test func ourViaSharingALineWithTheNext() throws {
        guard let bench = try ForwardingBench("request_route { }") else { return }
        let reply = ScriptTestHarness.message([
            "SIP/2.0 180 Ringing",
            "Via: SIP/2.0/UDP 127.0.0.1:\(bench.localPort);branch=z9hG4bKx, SIP/2.0/UDP 127.0.0.1:\(bench.peer.localPort);branch=z9hG4bK1",
            "CSeq: 1 INVITE",
        ])
        let outcome = StatelessReplyRelay.relay(reply, services: bench.harness.services, myself: bench.harness.config.script.myself)
        #expect(outcome == .relayed(SendTarget(proto: .udp, address: SocketAddressText(ip: "127.0.0.1", port: Int(bench.peer.localPort)))))
        #expect(try bench.received() == "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:\(bench.peer.localPort);branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func repliesNotViaUsAreDropped() throws {
        guard let bench = try ForwardingBench("request_route { }") else { return }
        let foreign = ScriptTestHarness.message([
            "SIP/2.0 200 OK", "Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1",
            "Via: SIP/2.0/UDP 127.0.0.1:\(bench.peer.localPort);branch=z9hG4bK2", "CSeq: 1 INVITE",
        ])
        #expect(StatelessReplyRelay.relay(foreign, services: bench.harness.services, myself: bench.harness.config.script.myself) == .notOurs)
        let lastHop = ScriptTestHarness.message(["SIP/2.0 200 OK", "Via: SIP/2.0/UDP 127.0.0.1:\(bench.localPort);branch=z9hG4bK1", "CSeq: 1 INVITE"])
        #expect(StatelessReplyRelay.relay(lastHop, services: bench.harness.services, myself: bench.harness.config.script.myself) == .noNextHop)
        #expect(try bench.received(timeout: .milliseconds(300)) == nil)
    }

    @Test(arguments: [
        ("SIP/2.0/UDP 192.0.2.1", "udp:192.0.2.1:5060"),
        ("SIP/2.0/UDP 192.0.2.1:5070;rport=6000;received=198.51.100.1", "udp:198.51.100.1:6000"),
        ("SIP/2.0/UDP 192.0.2.1:5070;rport", "udp:192.0.2.1:5070"),
        ("SIP/2.0/TCP 192.0.2.1;received=198.51.100.1", "tcp:198.51.100.1:5060"),
        ("SIP/2.0/TLS [2001:db8::1]", "tls:[2001:db8::1]:5061"),
    ])
    func nextHopAddress(via: String, expected: String) throws {
        let bytes = Array(via.utf8)
        let parsed = try ViaHeader.parse(bytes, 0 ..< bytes.count)
        #expect(StatelessReplyRelay.destination(of: parsed, in: bytes, resolver: TargetResolver())?.description == expected)
    }
}
