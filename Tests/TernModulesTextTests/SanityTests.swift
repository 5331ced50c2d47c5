import Foundation
import SIPCore
import TernTestSupport
import Testing

@testable import TernModules

/// sanity_check: which messages pass, which replies a failing request gets, and the value the
/// script sees. The failing cases and their replies were checked against Kamailio 5.6.3.
@Suite struct SanityTests {
    static let script = #"""
        request_route {
            if (!sanity_check()) { $var(after) = 1; exit; }
            $var(passed) = 1;
        }
        onreply_route {
            $var(replyChecks) = sanity_check("17604", "6");
            $var(r) = sanity_check();
            $var(after) = 1;
        }
        """#

    @Test func aGoodRequestPasses() throws {
        let h = try #require(ModuleTestHarness(Self.script))
        let run = h.run(ScriptTestHarness.request(extra: ["Authorization: Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:bob@example.com\", response=\"0123\""]))
        #expect(run.variable("passed") == .int(1))
        #expect(run.replies.isEmpty)
    }

    @Test func unsupportedProxyRequireGets420() throws {
        let h = try #require(ModuleTestHarness(Self.script))
        let run = h.run(ScriptTestHarness.request(extra: ["Proxy-Require: foo, bar"]))
        // With autodrop (the default) the failure value 0 stops the script at once.
        #expect(run.outcome.exited)
        #expect(run.variable("after") == .int(0))
        #expect(run.variable("passed") == .int(0))
        let reply = try #require(run.replies.first)
        #expect(reply.statusCode == 420)
        #expect(reply.reasonPhrase == "Bad Proxy Require Extension")
        #expect(reply.values(of: "Unsupported") == ["foo"])
        #expect(String(decoding: reply.bytes, as: UTF8.self).contains("CSeq: 314159 INVITE\r\nUnsupported: foo\r\n"))
    }

    @Test func proxyRequireParameterListsAcceptedOptions() throws {
        let h = try #require(ModuleTestHarness(Self.script, parameters: #"modparam("sanity", "proxy_require", "foo, bar")"#))
        let run = h.run(ScriptTestHarness.request(extra: ["Proxy-Require: foo,bar"]))
        #expect(run.variable("passed") == .int(1))
    }

    @Test func failuresAndTheirReplies() throws {
        let h = try #require(ModuleTestHarness(Self.script))
        let cases: [(SIPMessage, Int, String)] = [
            (ScriptTestHarness.request(uri: "http://example.com/x"), 400, "Bad Request URI"),
            (ScriptTestHarness.request(extra: ["Expires: 12abc"]), 400, "Expires value is illegal"),
            (ScriptTestHarness.request(extra: ["Expires: 99999999999"]), 400, "Expires value is illegal"),
            (ScriptTestHarness.request(extra: ["Authorization: Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\""]), 400, "Bad Auth Credentials"),
            (ScriptTestHarness.request(extra: ["Proxy-Authorization: Digest username=\"\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"1\""]), 400, "Auth Empty User"),
            (ScriptTestHarness.message(["INVITE sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                  "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 BYE"]), 400, "CSeq method does not match request method"),
            (ScriptTestHarness.message(["INVITE sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                  "To: <sip:c@d>", "Call-ID: x", "CSeq: 4294967297 INVITE"]), 400, "CSeq number is illegal"),
        ]
        for (message, code, reason) in cases {
            let run = h.run(message)
            #expect(run.variable("passed") == .int(0), "\(reason)")
            let reply = try #require(run.replies.first, "\(reason)")
            #expect(reply.statusCode == code)
            #expect(reply.reasonPhrase == reason)
        }
    }

    @Test func contentLengthMustMatchTheDatagram() throws {
        // Kamailio 5.6.3 answers a datagram with bytes past Content-Length with this 400.
        let text = "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n"
            + "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: y\r\nCSeq: 1 INVITE\r\nContent-Length: 2\r\n\r\nabcdef"
        let h = try #require(ModuleTestHarness(Self.script))
        let run = h.run(try SIPMessage.parse(Array(text.utf8)))
        let reply = try #require(run.replies.first)
        #expect(reply.statusCode == 400)
        #expect(reply.reasonPhrase == "Content-Length mis-match")
    }

    @Test func silentFailures() throws {
        let h = try #require(ModuleTestHarness(Self.script))
        // Kamailio 5.6.3: a non-Digest Authorization fails the digest check without a reply.
        let basic = h.run(ScriptTestHarness.request(extra: ["Authorization: Basic QWxhZGRpbjpvcGVu"]))
        #expect(basic.outcome.exited)
        #expect(basic.variable("passed") == .int(0))
        #expect(basic.replies.isEmpty)
        // A repeated Call-ID cannot be answered either.
        let twice = h.run(ScriptTestHarness.request(extra: ["Call-ID: second"]))
        #expect(twice.variable("passed") == .int(0))
        #expect(twice.replies.isEmpty)
        // ACKs are never answered.
        let ack = h.run(ScriptTestHarness.request(method: "ACK", extra: ["Proxy-Require: foo"]))
        #expect(ack.variable("passed") == .int(0))
        #expect(ack.replies.isEmpty)
    }

    @Test func repliesFailTheDefaultChecksButPassTheReplyChecks() throws {
        // Kamailio 5.6.3 fails sanity_check() for every reply (it reads the reason phrase
        // where a request has its SIP version); the default config checks replies with 17604/6.
        let h = try #require(ModuleTestHarness(Self.script))
        let reply = ScriptTestHarness.message([
            "SIP/2.0 200 OK", "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
            "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 1 INVITE",
        ])
        let run = h.run(reply, route: .coreReply)
        #expect(run.variable("replyChecks") == .int(1))
        #expect(run.outcome.exited)
        #expect(run.variable("after") == .int(0))
        #expect(run.replies.isEmpty)
    }

    @Test func withoutAutodropTheFailureIsMinusOne() throws {
        let h = try #require(ModuleTestHarness(
            #"request_route { $var(r) = sanity_check("512"); $var(after) = 1; }"#,
            parameters: #"modparam("sanity", "autodrop", 0)"#))
        let run = h.run(ScriptTestHarness.request(extra: ["Proxy-Require: foo"]))
        #expect(run.variable("r") == .int(-1))
        #expect(run.variable("after") == .int(1))
        #expect(run.replies.first?.statusCode == 420)
    }

    @Test func noReplyModeDefersTheReplyToSanityReply() throws {
        let h = try #require(ModuleTestHarness(
            #"request_route { if (!sanity_check("3047", "7")) { $var(f) = 1; sanity_reply(); exit; } sanity_reply(); }"#,
            parameters: #"""
                modparam("sanity", "noreply", 1)
                modparam("sanity", "autodrop", 0)
                """#))
        let failing = h.run(ScriptTestHarness.request(extra: ["Expires: x"]))
        #expect(failing.variable("f") == .int(1))
        #expect(failing.replies.count == 1)
        #expect(failing.replies.first?.reasonPhrase == "Expires value is illegal")
        // sanity_reply() with nothing prepared sends 500.
        let passing = h.run(ScriptTestHarness.request())
        #expect(passing.replies.first?.statusCode == 500)
        #expect(passing.replies.first?.reasonPhrase == "Server Sanity Failure")
    }

    @Test func uriChecks() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(r) = sanity_check("1024", "$var(u)"); }"#, parameters: #"modparam("sanity", "autodrop", 0)"#))
        let badContact = ScriptTestHarness.request(extra: ["Contact: <http://example.com/>"])
        let withContact = h.run(badContact)
        // $var(u) is 0 here: outside 1–15, so the call fails without checking.
        #expect(withContact.variable("r") == .int(-1))
        #expect(withContact.replies.isEmpty)
        let h8 = try #require(ModuleTestHarness(#"request_route { $var(r) = sanity_check(1024, 8); }"#, parameters: #"modparam("sanity", "autodrop", 0)"#))
        let run = h8.run(badContact)
        #expect(run.variable("r") == .int(-1))
        #expect(run.replies.first?.reasonPhrase == "Bad Contact URI")
        let tel = h8.run(ScriptTestHarness.request(extra: ["Contact: <tel:+123>"]))
        #expect(tel.variable("r") == .int(1))
    }

    @Test func duplicateTags() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(r) = sanity_check(4096); }"#, parameters: #"modparam("sanity", "autodrop", 0)"#))
        let message = ScriptTestHarness.message([
            "INVITE sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1",
            "From: <sip:a@b>;tag=1;tag=2", "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 INVITE",
        ])
        let run = h.run(message)
        #expect(run.variable("r") == .int(-1))
        #expect(run.replies.first?.reasonPhrase == "Many From Tag Params")
    }

    @Test func badMaskConstantIsAConfigError() {
        #expect(ModuleTestHarness.errors(#"request_route { sanity_check("all"); }"#).first?.contains("is not a number") == true)
        #expect(ModuleTestHarness.errors(#"request_route { } failure_route[x] { sanity_check(); }"#).first?.contains("cannot be used in failure_route") == true)
    }
}
