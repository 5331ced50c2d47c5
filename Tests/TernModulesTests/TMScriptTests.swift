// tm's script functions run in process on real messages (ScriptTestHarness): stateful local
// replies and retransmissions, t_check_trans, contact ordering, armed routes, and the
// statistics. Network behaviour (relaying, forking, timers) is in TernIntegrationTests.
import SIPCore
import SIPTransaction
import TernModules
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@Suite("tm script functions")
struct TMScriptTests {
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

    @Test("t_newtran + t_reply: the reply goes out once; the retransmission gets it again and ends the script")
    func statefulReplyAndRetransmission() throws {
        let h = try #require(Self.harness("""
            request_route {
                if (!t_newtran()) { $var(retransmitted) = 1; exit; }
                t_reply("486", "Busy Here");
                $var(after) = $T_reply_code;
            }
            """))
        let worker = WorkerScriptState()
        let first = h.run(ScriptTestHarness.request(), worker: worker)
        #expect(first.replies.map(\.statusCode) == [486])
        #expect(first.variable("after") == .int(486))
        let again = h.run(ScriptTestHarness.request(), worker: worker)
        #expect(again.outcome.exited)
        #expect(worker.variable(named: "retransmitted") == .int(0), "t_newtran returned 0, which ends the script before the assignment")
        // The transaction answers on the channel the request came in on.
        #expect(first.replies.map(\.statusCode) == [486, 486])
        #expect(first.replies[0].value(of: "To") == first.replies[1].value(of: "To"))
        #expect(try #require(first.replies[0].value(of: "To")).contains(";tag="))
    }

    @Test("t_reply without a transaction fails and sends nothing; t_send_reply makes one")
    func replyNeedsTransaction() throws {
        let h = try #require(Self.harness("""
            request_route {
                $var(r) = t_reply("404", "Not Found");
                $var(s) = t_send_reply("404", "Not Found");
            }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("r") == .int(-1))
        #expect(run.variable("s") == .int(1))
        #expect(run.replies.map(\.statusCode) == [404])
    }

    @Test("t_check_trans: -1 for a new request, then a retransmission is answered and ends the script")
    func checkTrans() throws {
        let h = try #require(Self.harness("""
            request_route {
                if (t_check_trans()) { $var(seen) = $var(seen) + 1; }
                $var(reached) = $var(reached) + 1;
                t_newtran();
                t_reply("480", "Later");
            }
            """))
        let worker = WorkerScriptState()
        let first = h.run(ScriptTestHarness.request(), worker: worker)
        _ = h.run(ScriptTestHarness.request(), worker: worker)
        #expect(worker.variable(named: "reached") == .int(1), "the retransmission must stop at t_check_trans")
        #expect(worker.variable(named: "seen") == .int(0))
        #expect(first.replies.map(\.statusCode) == [480, 480])
    }

    @Test("sl's send_reply is stateful once t_newtran made a transaction, stateless before")
    func sendReplyGoesThroughTransaction() throws {
        let h = try #require(Self.harness("""
            request_route {
                if (method=="OPTIONS") { send_reply("200", "Stateless"); exit; }
                t_newtran();
                send_reply("500", "Stateful");
                $var(id) = $T_branch_idx;
            }
            """))
        let worker = WorkerScriptState()
        let first = h.run(ScriptTestHarness.request(), worker: worker)
        _ = h.run(ScriptTestHarness.request(), worker: worker)
        // The retransmission was answered by the transaction (on the first channel).
        #expect(first.replies.map(\.statusCode) == [500, 500])
        let options = h.run(ScriptTestHarness.request(method: "OPTIONS"), worker: worker)
        #expect(options.replies.map(\.statusCode) == [200])
    }

    @Test("t_load_contacts / t_next_contacts take the contacts by q, highest group first")
    func contactsByQ() throws {
        let h = try #require(Self.harness("""
            request_route {
                $ru = "sip:first@example.com";
                append_branch("sip:low@example.com", "0.2");
                append_branch("sip:high@example.com", "1");
                append_branch("sip:mid@example.com", "0.5");
                t_load_contacts();
                $var(loaded) = $bR;
                t_next_contacts();
                $var(r1) = $ru;
                $var(b1) = $bR;
                t_next_contacts();
                $var(r2) = $ru;
                t_next_contacts();
                $var(r3) = $ru;
                $var(end) = t_next_contacts();
            }
            """, parameters: #"modparam("tm", "contacts_avp", "tm_contacts")"#))
        let run = h.run(ScriptTestHarness.request())
        // $bR of an empty destination set is $null, which a $var stores as 0.
        #expect(run.variable("loaded") == .int(0), "t_load_contacts empties the destination set")
        #expect(run.variable("r1") == .string("sip:first@example.com"))
        #expect(run.variable("b1") == .string("<sip:high@example.com>;q=1"))
        #expect(run.variable("r2") == .string("sip:mid@example.com"))
        #expect(run.variable("r3") == .string("sip:low@example.com"))
        #expect(run.variable("end") == .int(-1))
    }

    @Test("t_next_contacts without contacts_avp is an error (-2)")
    func contactsNeedAVP() throws {
        let h = try #require(Self.harness("request_route { $var(r) = t_next_contacts(); }"))
        #expect(h.run(ScriptTestHarness.request()).variable("r") == .int(-2))
    }

    @Test("t_is_set sees routes armed before and after the transaction exists")
    func isSet() throws {
        let h = try #require(Self.harness("""
            request_route {
                $var(before) = t_is_set("failure_route");
                t_on_failure("f");
                $var(armed) = t_is_set("failure_route");
                t_newtran();
                $var(copied) = t_is_set("failure_route");
                $var(branch) = t_is_set("branch_route");
                t_on_failure("");
                $var(reset) = t_is_set("failure_route");
            }
            failure_route[f] { exit; }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("before") == .int(-1))
        #expect(run.variable("armed") == .int(1))
        #expect(run.variable("copied") == .int(1))
        #expect(run.variable("branch") == .int(-1))
        #expect(run.variable("reset") == .int(-1))
    }

    @Test("t_is_set refuses an unknown route kind when the config loads")
    func isSetChecksItsArgument() {
        let text = """
            loadmodule "tm.so"
            request_route { t_is_set("failure"); }
            """
        guard case .failure(let list) = ScriptTestHarness.load(text) else {
            Issue.record("the config loaded")
            return
        }
        #expect(list.errors.contains { $0.message.contains("t_is_set") })
    }

    @Test("tm statistics under Kamailio's names count transactions and their final replies")
    func statistics() throws {
        let h = try #require(Self.harness("""
            request_route {
                t_newtran();
                t_reply("404", "Not Found");
                $var(uas) = $stat(UAS_transactions);
                $var(c4) = $stat(4xx_transactions);
                $var(inuse) = $stat(inuse_transactions);
            }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("uas") == .int(1))
        #expect(run.variable("c4") == .int(1))
        #expect(run.variable("inuse") == .int(1))
    }

    @Test("$T_req reads the transaction's request; $T_rpl is null without a reply; the id is hash:label")
    func transactionPseudoVariables() throws {
        let h = try #require(Self.harness("""
            request_route {
                $var(before) = $T_req($ci);
                t_newtran();
                $ru = "sip:changed@example.com";
                $var(req) = $T_req($rU);
                $var(rpl) = $T_rpl($rs);
                $var(idx) = $T_branch_idx;
            }
            """, parameters: #"modparam("tm", "unix_tx_timeout", 500)"#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("before") == .int(0), "no transaction yet: $null, stored as 0")
        #expect(run.variable("req") == .string("bob"), "the request as received")
        #expect(run.variable("rpl") == .int(0))
        #expect(run.variable("idx") == .int(0))
        let service = try #require(TransactionAPI.service(for: h.services))
        let id = try #require(service.transactionID(of: run.context))
        #expect(TransactionID(id.description) == id)
    }

    @Test("t_relay with no way to send fails; sl_reply_error then answers through the transaction")
    func relayFailureAnsweredStatefully() throws {
        let h = try #require(Self.harness("""
            request_route {
                $du = "sip:127.0.0.1:5999";
                if (!t_relay()) {
                    $var(failed) = 1;
                    sl_reply_error();
                }
            }
            """))
        let worker = WorkerScriptState()
        // The harness binds no socket, so no branch can leave.
        let first = h.run(ScriptTestHarness.request(), worker: worker)
        #expect(first.variable("failed") == .int(1))
        // 100 Trying when the INVITE was taken on, then the error reply.
        #expect(first.replies.map(\.statusCode) == [100, 500])
        _ = h.run(ScriptTestHarness.request(), worker: worker)
        #expect(first.replies.map(\.statusCode) == [100, 500, 500], "the retransmission gets the 500 again")
    }

    @Test("bad tm parameters are refused at load time")
    func badParameters() {
        for parameters in [#"modparam("tm", "fr_timer", 0)"#, #"modparam("tm", "default_code", 200)"#,
                           #"modparam("tm", "retr_timer1", 5000)"#] {
            let text = "loadmodule \"tm.so\"\n\(parameters)\nrequest_route { exit; }"
            guard case .failure = ScriptTestHarness.load(text) else {
                Issue.record("accepted: \(parameters)")
                continue
            }
        }
    }
}
