// tm/tmx functions the README names that other suites leave alone, run in process on real
// messages (ScriptTestHarness): route-type questions, t_lookup_request, t_release,
// t_flush_flags (seen through t_lookup_cancel(1)), t_set_fr/t_reset_fr and auto_inv_100.
import SIPCore
import TernModules
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@Suite("tm functions otherwise untested")
struct TMUntestedFunctionTests {
    static func harness(_ routes: String, parameters: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ScriptTestHarness? {
        let text = """
            loadmodule "tm.so"
            loadmodule "tmx.so"
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "kex.so"
            \(parameters)
            \(routes)
            """
        switch ScriptTestHarness.load(text) {
        case .success(let h): return h
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test("t_is_request_route is true in request_route; t_is_branch/failure/reply_route are false there")
    func routeTypeQuestions() throws {
        let h = try #require(Self.harness("""
            request_route {
                $var(req) = t_is_request_route();
                $var(branch) = t_is_branch_route();
                $var(failure) = t_is_failure_route();
                $var(reply) = t_is_reply_route();
            }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("req") == .int(1))
        #expect(run.variable("branch") == .int(-1))
        #expect(run.variable("failure") == .int(-1))
        #expect(run.variable("reply") == .int(-1))
    }

    @Test("t_lookup_request: -1 before the transaction exists, 1 after, and 1 for a retransmission; nothing is sent")
    func lookupRequest() throws {
        let h = try #require(Self.harness("""
            request_route {
                if (method == "OPTIONS") { exit; }
                $var(lookups) = $var(lookups) + 1;
                if ($var(lookups) == 1) {
                    $var(before) = t_lookup_request();
                    t_newtran();
                    $var(after) = t_lookup_request();
                } else {
                    $var(again) = t_lookup_request();
                }
            }
            """))
        let worker = WorkerScriptState()
        let first = h.run(ScriptTestHarness.request(), worker: worker)
        let second = h.run(ScriptTestHarness.request(), worker: worker)
        #expect(worker.variable(named: "before") == .int(-1))
        #expect(worker.variable(named: "after") == .int(1))
        #expect(worker.variable(named: "again") == .int(1), "the retransmission matches the transaction")
        #expect(second.replies.isEmpty, "t_lookup_request does not resend the last reply")
        // As in Kamailio, t_newtran alone sends no 100 Trying (t_relay does).
        #expect(first.replies.isEmpty)
    }

    @Test("t_release: -1 without a transaction, 1 with one")
    func release() throws {
        let h = try #require(Self.harness("""
            request_route {
                $var(without) = t_release();
                t_newtran();
                t_reply("404", "Not Found");
                $var(with) = t_release();
            }
            """))
        let run = h.run(ScriptTestHarness.request(method: "OPTIONS"))
        #expect(run.variable("without") == .int(-1))
        #expect(run.variable("with") == .int(1))
        #expect(run.replies.map(\.statusCode) == [404])
    }

    @Test("t_flush_flags stores flags set after t_newtran in the transaction (t_lookup_cancel(1) copies them)")
    func flushFlags() throws {
        for flush in [false, true] {
            let h = try #require(Self.harness("""
                request_route {
                    if (method == "CANCEL") {
                        $var(found) = t_lookup_cancel("1");
                        if (isflagset(3)) { $var(flag) = 1; } else { $var(flag) = -1; }
                        exit;
                    }
                    $var(none) = t_flush_flags();
                    t_newtran();
                    setflag(3);
                    if (\(flush ? 1 : 0) == 1) { $var(flushed) = t_flush_flags(); }
                }
                """))
            let worker = WorkerScriptState()
            _ = h.run(ScriptTestHarness.request(), worker: worker)
            _ = h.run(ScriptTestHarness.request(method: "CANCEL"), worker: worker)
            #expect(worker.variable(named: "none") == .int(-1), "no transaction yet")
            #expect(worker.variable(named: "found") == .int(1))
            if flush {
                #expect(worker.variable(named: "flushed") == .int(1))
                #expect(worker.variable(named: "flag") == .int(1), "flushed flag reaches the CANCEL")
            } else {
                #expect(worker.variable(named: "flag") == .int(-1), "a flag set after t_newtran stays with the message")
            }
        }
    }

    @Test("t_set_fr and t_reset_fr return 1 before and after the transaction exists")
    func setAndResetFr() throws {
        let h = try #require(Self.harness("""
            request_route {
                $var(a) = t_set_fr(10000, 2000);
                t_newtran();
                $var(b) = t_set_fr(5000);
                $var(c) = t_reset_fr();
                t_reply("404", "Not Found");
            }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(1))
    }

    @Test("auto_inv_100=0: no 100 Trying when t_relay takes on an INVITE")
    func noAutomatic100() throws {
        let routes = """
            request_route {
                $du = "sip:127.0.0.1:5999";
                if (!t_relay()) { sl_reply_error(); }
            }
            """
        let off = try #require(Self.harness(routes, parameters: #"modparam("tm", "auto_inv_100", 0)"#))
        #expect(off.run(ScriptTestHarness.request()).replies.map(\.statusCode) == [500])
        let reason = try #require(Self.harness(routes, parameters: #"modparam("tm", "auto_inv_100_reason", "Trying Hard")"#))
        let replies = reason.run(ScriptTestHarness.request()).replies
        #expect(replies.map(\.statusCode) == [100, 500])
        #expect(replies.first?.reasonPhrase == "Trying Hard")
    }
}
