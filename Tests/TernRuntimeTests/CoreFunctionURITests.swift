// R-URI rewriting. Every expected URI below was printed by Kamailio 5.6.3 running the same
// call on the same R-URI (request_route with xlog("$ru") after each call, revert_uri()
// between them), so the tables are Kamailio's behaviour, not ours.
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernRuntime

@Suite struct CoreFunctionURITests {
    static let full = "sip:bob:secret@example.com:5080;transport=udp;x=1?subject=hi"

    /// (call, resulting R-URI) on `full`, from Kamailio 5.6.3.
    static let rewrites: [(String, String)] = [
        ("sethostport(\"h2:7000\")", "sip:bob:secret@h2:7000;transport=udp;x=1?subject=hi"),
        ("setuserpass(\"carol:pw\")", "sip:carol:pw@example.com:5080;transport=udp;x=1?subject=hi"),
        ("setuser(\"dave\")", "sip:dave:secret@example.com:5080;transport=udp;x=1?subject=hi"),
        // Without a user the password goes too.
        ("setuser(\"\")", "sip:example.com:5080;transport=udp;x=1?subject=hi"),
        ("sethost(\"h3\")", "sip:bob:secret@h3:5080;transport=udp;x=1?subject=hi"),
        ("setport(\"9\")", "sip:bob:secret@example.com:9;transport=udp;x=1?subject=hi"),
        ("setport(\"\")", "sip:bob:secret@example.com;transport=udp;x=1?subject=hi"),
        ("prefix(\"00\")", "sip:00bob:secret@example.com:5080;transport=udp;x=1?subject=hi"),
        ("strip(2)", "sip:b:secret@example.com:5080;transport=udp;x=1?subject=hi"),
        ("strip_tail(1)", "sip:bo:secret@example.com:5080;transport=udp;x=1?subject=hi"),
        ("strip(9)", "sip:example.com:5080;transport=udp;x=1?subject=hi"),
        ("sethostporttrans(\"h4:1\")", "sip:bob:secret@h4:1;x=1?subject=hi"),
        ("userphone()", "sip:bob:secret@example.com:5080;transport=udp;x=1;user=phone?subject=hi"),
        // The aliases do the same.
        ("rewritehost(\"h3\")", "sip:bob:secret@h3:5080;transport=udp;x=1?subject=hi"),
        ("seth(\"h3\")", "sip:bob:secret@h3:5080;transport=udp;x=1?subject=hi"),
        ("sethp(\"h2:7000\")", "sip:bob:secret@h2:7000;transport=udp;x=1?subject=hi"),
        ("sethpt(\"h4:1\")", "sip:bob:secret@h4:1;x=1?subject=hi"),
        ("rewriteuser(\"dave\")", "sip:dave:secret@example.com:5080;transport=udp;x=1?subject=hi"),
        ("setu(\"dave\")", "sip:dave:secret@example.com:5080;transport=udp;x=1?subject=hi"),
        ("setup(\"carol:pw\")", "sip:carol:pw@example.com:5080;transport=udp;x=1?subject=hi"),
        ("setp(\"9\")", "sip:bob:secret@example.com:9;transport=udp;x=1?subject=hi"),
        ("rewriteport(\"9\")", "sip:bob:secret@example.com:9;transport=udp;x=1?subject=hi"),
    ]

    @Test(arguments: rewrites)
    func rewriteMatchesKamailio(call: String, expected: String) {
        guard let script = CoreScript("request_route { \(call); }") else { return }
        let run = script.run(ScriptTestHarness.request(uri: Self.full))
        #expect(run.context.newRequestURI == expected)
        #expect(run.outcome.returnCode == 1)
    }

    @Test func rewritesWorkOnTheRewrittenURIAndRevertGoesBackToTheReceivedOne() {
        guard let script = CoreScript("""
            request_route {
                seturi("sip:alice@a.example.org");
                sethost("b.example.org");
                prefix("+1");
            }
            """) else { return }
        let run = script.run(ScriptTestHarness.request(uri: Self.full))
        #expect(run.context.newRequestURI == "sip:+1alice@b.example.org")
        guard let revert = CoreScript("request_route { seturi(\"sip:x@y\"); revert_uri(); }") else { return }
        #expect(revert.run(ScriptTestHarness.request(uri: Self.full)).context.newRequestURI == nil)
    }

    @Test func telURIGetsSipSchemeAndUserPhoneWithAHost() {
        // Kamailio 5.6.3: seturi("tel:+1234;phone-context=x"); sethost("gw") → this.
        guard let script = CoreScript("request_route { seturi(\"tel:+1234;phone-context=x\"); sethost(\"gw\"); }") else { return }
        #expect(script.run().context.newRequestURI == "sip:+1234;phone-context=x@gw;user=phone")
    }

    @Test func telURIHasNoPortToSet() {
        guard let script = CoreScript("request_route { seturi(\"tel:+1234\"); setport(\"5060\"); }") else { return }
        let run = script.run()
        #expect(run.outcome.returnCode == -1)
        #expect(run.context.newRequestURI == "tel:+1234")
        #expect(run.log.texts == ["setport: the port of a tel: URI cannot be set (main.cfg:1:38)"])
    }

    @Test func userphoneLeavesAUserPhoneURIAlone() {
        guard let script = CoreScript("request_route { userphone(); }") else { return }
        let uri = "sip:+123@gw;user=phone"
        #expect(script.run(ScriptTestHarness.request(uri: uri)).context.newRequestURI == uri)
    }

    @Test func prefixAndStripWithoutUser() {
        // Kamailio 5.6.3: seturi("sip:h5"); prefix("p") → sip:p@h5; strip(1) → sip:h5 and a warning.
        guard let prefix = CoreScript("request_route { seturi(\"sip:h5\"); prefix(\"p\"); }"),
              let strip = CoreScript("request_route { seturi(\"sip:h5\"); strip(1); }") else { return }
        #expect(prefix.run().context.newRequestURI == "sip:p@h5")
        let run = strip.run()
        #expect(run.context.newRequestURI == "sip:h5")
        #expect(run.outcome.returnCode == 1)
        #expect(run.log.lines.map(\.level) == [.warning])
        #expect(run.log.texts.first?.hasPrefix("strip: too long strip asked; deleting username: 1 of <>") == true)
    }

    @Test func aPortIsKeptAsWritten() {
        guard let script = CoreScript("request_route { setuser(\"x\"); }") else { return }
        #expect(script.run(ScriptTestHarness.request(uri: "sip:a@[2001:db8::1]:05060;lr")).context.newRequestURI == "sip:x@[2001:db8::1]:05060;lr")
    }

    @Test func aBadURIIsAnErrorLoggedOnceAndTheScriptGoesOn() {
        // Kamailio 5.6.3 logs "bad uri <garbage>, dropping packet" and the route continues.
        guard let script = CoreScript("""
            request_route {
                seturi("garbage");
                sethost("x");
                log(1, "after");
            }
            """) else { return }
        let run = script.run()
        #expect(run.context.newRequestURI == "garbage")
        #expect(run.log.texts == ["sethost: bad R-URI <garbage> (main.cfg:3:5)", "<script>: after"])
        #expect(run.log.lines.first?.level == .error)
    }

    @Test func aReplyHasNoRequestURI() {
        guard let script = CoreScript("reply_route { setuser(\"x\"); }") else { return }
        let run = script.run(ScriptTestHarness.reply(), route: .coreReply)
        #expect(run.outcome.returnCode == -1)
        #expect(run.context.newRequestURI == nil)
    }

    @Test func argumentsAreTakenAsWritten() {
        // Core functions do not expand pseudo-variables (spec §3.1).
        guard let script = CoreScript("request_route { sethost(\"$var(h)\"); }") else { return }
        #expect(script.run().context.newRequestURI == "sip:bob@$var(h)")
    }

    @Test func fixupsRefuseWhatKamailioRefusesAtLoad() {
        let errors = CoreScript.errors("""
            request_route {
                sethost($var(h));
                strip(-1);
                strip("x");
                strip_tail($var(n));
            }
            """)
        #expect(errors.count == 4)
        guard errors.count == 4 else { return }
        #expect(errors[0].hasPrefix("sethost takes a constant string"))
        #expect(errors[1] == "strip: -1 is negative")
    }
}
