// maxfwd against Kamailio 5.6.3, which forwarded the same requests to a test socket after
// the same calls: "Max-Forwards: 70" → 69 (return 1); "10" → " 9" (rewritten in place,
// right-aligned); no header → "Max-Forwards: 10" inserted as the first header (return 2);
// "0" → untouched (return -1); "Max-Forwards:   300 " with max_limit 50 → "Max-Forwards:    50 ";
// "1x" → untouched
// (return -2). is_maxfwd_lt(5) gave -2 without header, -3 for "1x", 1 for 0.
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct MaxFwdTests {
    private func forwarded(_ maxForwards: String?, call: String = "mf_process_maxfwd_header(10)",
                           parameters: String = "") -> (code: Int, before: Int, after: Int, message: String)? {
        guard let script = ModuleScript("""
            request_route {
                $var(before) = is_maxfwd_lt(5);
                $var(code) = \(call);
                $var(after) = is_maxfwd_lt(5);
            }
            """, parameters: parameters) else { return nil }
        let run = script.run(ScriptTestHarness.request(maxForwards: maxForwards))
        guard let text = try? run.edited else {
            Issue.record("the edits do not apply")
            return nil
        }
        return (run.variable("code").intValue, run.variable("before").intValue, run.variable("after").intValue, text)
    }

    @Test func decrements() {
        guard let r = forwarded("70") else { return }
        #expect(r.code == 1)
        #expect(ScriptTestHarness.headerLines(r.message).contains("Max-Forwards: 69"))
        guard let ten = forwarded("10") else { return }
        #expect(ScriptTestHarness.headerLines(ten.message).contains("Max-Forwards:  9"))
    }

    @Test func addsTheHeaderWhenMissing() {
        guard let r = forwarded(nil) else { return }
        #expect(r.code == 2)
        #expect(ScriptTestHarness.headerLines(r.message).first == "Max-Forwards: 10")
        #expect(r.before == -2)
        // Kamailio too: the added header is not read back by the same message's checks.
        #expect(r.after == -2)
    }

    @Test func zeroIsRefusedAndLeftAlone() {
        guard let r = forwarded("0") else { return }
        #expect(r.code == -1)
        #expect(r.before == 1)
        #expect(ScriptTestHarness.headerLines(r.message).contains("Max-Forwards: 0"))
    }

    @Test func valuesAboveTheLimitAreLowered() {
        guard let r = forwarded("  300 ", parameters: "modparam(\"maxfwd\", \"max_limit\", 50)") else { return }
        #expect(r.code == 1)
        #expect(r.before == -1)
        #expect(ScriptTestHarness.headerLines(r.message).contains("Max-Forwards:    50 "))
    }

    @Test func anUnreadableValueIsAnError() {
        guard let r = forwarded("1x") else { return }
        #expect(r.code == -2)
        #expect(r.before == -3)
        #expect(ScriptTestHarness.headerLines(r.message).contains("Max-Forwards: 1x"))
    }

    @Test func laterChecksSeeTheDecrementedValue() {
        guard let script = ModuleScript("""
            request_route {
                $var(a) = is_maxfwd_lt(70);
                mf_process_maxfwd_header(10);
                $var(b) = is_maxfwd_lt(70);
                $var(c) = maxfwd_at_least(69);
                $var(d) = mf_lowlimit(71);
            }
            """) else { return }
        let run = script.run()
        // Kamailio 5.6.3: lt70 = -1 before, 1 after the decrement to 69.
        #expect([run.variable("a"), run.variable("b"), run.variable("c"), run.variable("d")] == [.int(-1), .int(1), .int(-1), .int(1)])
    }

    @Test func aSecondDecrementCountsButCannotRewriteTheHeaderAgain() throws {
        // Kamailio would send 68 after two calls (it writes over the digits in place); Tern
        // edits against the received bytes, so the header keeps the first rewrite, 69, the
        // value read back is 68, and a warning says so.
        guard let script = ModuleScript("""
            request_route {
                mf_process_maxfwd_header(10);
                $var(second) = process_maxfwd(10);
                $var(lt69) = is_maxfwd_lt(69);
            }
            """) else { return }
        let run = script.run()
        #expect(run.variable("second") == .int(1))
        #expect(run.variable("lt69") == .int(1))
        #expect(try ScriptTestHarness.headerLines(run.edited).contains("Max-Forwards: 69"))
        #expect(script.log.levels == [.warning])
    }

    @Test func theUsualConfigAnswers483() {
        guard let script = ModuleScript("""
            request_route {
                if (!mf_process_maxfwd_header("10")) {
                    sl_send_reply("483", "Too Many Hops");
                    exit;
                }
                sl_send_reply("200", "OK");
            }
            """) else { return }
        let tooMany = script.run(ScriptTestHarness.request(maxForwards: "0"))
        #expect(tooMany.channel.sent.count == 1)
        #expect(tooMany.channel.sent.first.map { String(decoding: $0, as: UTF8.self).hasPrefix("SIP/2.0 483 Too Many Hops\r\n") } == true)
        let fine = script.run(ScriptTestHarness.request(maxForwards: "5"))
        #expect(fine.channel.sent.first.map { String(decoding: $0, as: UTF8.self).hasPrefix("SIP/2.0 200 OK\r\n") } == true)
    }

    @Test func limitsAreChecked() {
        let errors = ModuleScript.errors("""
            request_route { mf_process_maxfwd_header(256); }
            failure_route[F] { mf_process_maxfwd_header(10); is_maxfwd_lt(10); }
            """)
        #expect(errors.count == 2)
        guard errors.count == 2 else { return }
        #expect(errors[0] == "mf_process_maxfwd_header: limit 256 is outside 0–255")
        #expect(errors[1].contains("cannot be used in failure_route"))
        #expect(ModuleScript.errors("request_route { exit; }", parameters: "modparam(\"maxfwd\", \"max_limit\", 300)")
            .first?.contains("max_limit 300 is outside 0–255") == true)
        guard let script = ModuleScript("request_route { $var(l) = 300; $var(r) = mf_process_maxfwd_header($var(l)); }") else { return }
        let run = script.run()
        #expect(run.variable("r") == .int(-1))
        #expect(script.log.levels == [.error])
    }
}

