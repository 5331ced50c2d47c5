// tm's asynchronous side in process: t_suspend / t_continue / t_cancel_suspend (script and
// TransactionService), the suspension deadline (fired by hand, no sleeping), tm callbacks,
// and local requests (the UAC API) against a UDP peer on 127.0.0.1, replies fed to tm's
// reply consumers as the router would.
import SIPCore
import SIPTransaction
import SIPTransport
@testable import TernModules
@testable import TernRuntime
import TernScript
import TernTestSupport
import Testing

@Suite("tm async: t_suspend/t_continue, callbacks, local requests", .serialized)
struct TMAsyncTests {
    static func harness(_ routes: String, parameters: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ScriptTestHarness? {
        let text = """
            loadmodule "tm.so"
            loadmodule "tmx.so"
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "textops.so"
            \(parameters)
            \(routes)
            """
        switch ScriptTestHarness.load(text) {
        case .success(let h):
            // Routes run later (failure_route, t_continue) come from the script serving now.
            h.services.install(ActiveScript(script: h.config.script, generation: 1))
            return h
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func engine(_ h: ScriptTestHarness) throws -> TMCore {
        let tm = try #require(TransactionAPI.service(for: h.services) as? TMModule)
        return try #require(tm.core)
    }

    static func suspendedID(_ run: ScriptTestHarness.Run) throws -> TransactionID {
        guard case .int(let index) = run.variable("index"), case .int(let label) = run.variable("label") else {
            throw SuspensionTestError.noID
        }
        return try #require(TMModule.transactionID(index, label))
    }

    enum SuspensionTestError: Error { case noID }

    static let suspendingRoute = """
        request_route {
            if (!t_suspend()) { t_reply("500", "not suspended"); exit; }
            $var(index) = $T(id_index);
            $var(label) = $T(id_label);
            exit;
        }

        """

    @Test("t_suspend parks the INVITE unanswered; TransactionService.resume runs the route on it, once")
    func suspendThenResume() throws {
        let h = try #require(Self.harness(Self.suspendingRoute + """
            route[RESUME] { append_to_reply("X-Continued: yes\\r\\n"); t_reply("200", "Continued"); }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.replies.isEmpty, "a suspended transaction sends nothing")
        let id = try Self.suspendedID(run)
        #expect(TransactionAPI.service(for: h.services)?.transactionID(of: run.context) == id)
        let tm = try #require(TransactionAPI.service(for: h.services))
        #expect(tm.resume(id, routeName: "RESUME"))
        #expect(run.replies.map(\.statusCode) == [200])
        #expect(run.replies.first?.value(of: "X-Continued") == "yes")
        #expect(!tm.resume(id, routeName: "RESUME"), "a transaction is continued once")
    }

    @Test("The continued route may suspend again; a route that leaves the transaction unanswered gets 500 sent")
    func suspendAgainOrLeaveUnanswered() throws {
        let h = try #require(Self.harness(Self.suspendingRoute + """
            route[AGAIN] { t_suspend(); }
            route[NOTHING] { $var(x) = 1; }
            """))
        let tm = try #require(TransactionAPI.service(for: h.services))
        let run = h.run(ScriptTestHarness.request())
        let id = try Self.suspendedID(run)
        #expect(tm.resume(id, routeName: "AGAIN"))
        #expect(run.replies.isEmpty, "suspended again: still nothing sent")
        #expect(!tm.resume(id, routeName: "MISSING"), "no such route")
        #expect(tm.resume(id, routeName: "NOTHING"))
        #expect(run.replies.map(\.statusCode) == [500])
    }

    @Test("t_continue from a route: a later request continues the suspended one by index and label")
    func continueFromScript() throws {
        let h = try #require(Self.harness("""
            request_route {
                if (is_method("INVITE")) {
                    t_suspend();
                    $var(index) = $T(id_index);
                    $var(label) = $T(id_label);
                    exit;
                }
                $var(continued) = t_continue($var(index), $var(label), "RESUME");
                $var(again) = t_continue($var(index), $var(label), "RESUME");
                sl_send_reply("200", "OK");
            }
            route[RESUME] { t_reply("486", "Busy Here"); }
            """))
        let worker = WorkerScriptState()
        let invite = h.run(ScriptTestHarness.request(), worker: worker)
        let message = h.run(ScriptTestHarness.request(method: "MESSAGE"), worker: worker)
        #expect(worker.variable(named: "continued") == .int(1))
        #expect(worker.variable(named: "again") == .int(-1))
        #expect(invite.replies.map(\.statusCode) == [486])
        #expect(message.replies.map(\.statusCode) == [200])
    }

    @Test("Never continued: the deadline runs failure_route, which sees 408; without one, 408 goes upstream")
    func deadlineRunsFailureRoute() throws {
        let h = try #require(Self.harness("""
            request_route {
                if ($rU == "armed") { t_on_failure("LATE"); }
                t_suspend();
                $var(index) = $T(id_index);
                $var(label) = $T(id_label);
                exit;
            }
            failure_route[LATE] { if (t_check_status("408")) { t_reply("504", "Suspended Too Long"); } }
            route[RESUME] { t_reply("200", "OK"); }
            """))
        let core = try Self.engine(h)
        let armed = h.run(ScriptTestHarness.request(uri: "sip:armed@example.com"))
        let armedID = try Self.suspendedID(armed)
        core.suspensionExpired(armedID)
        #expect(armed.replies.map(\.statusCode) == [504])
        #expect(TransactionAPI.service(for: h.services)?.resume(armedID, routeName: "RESUME") == false,
                "too late to continue")

        // A second call (its own branch and Call-ID), with no failure_route armed.
        let other = h.run(ScriptTestHarness.message([
            "INVITE sip:plain@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKother1",
            "To: <sip:plain@example.com>",
            "From: <sip:alice@example.com>;tag=77",
            "Call-ID: other-call",
            "CSeq: 1 INVITE",
        ]))
        let otherID = try Self.suspendedID(other)
        core.suspensionExpired(otherID)
        #expect(other.replies.map(\.statusCode) == [408])
    }

    @Test("t_cancel_suspend: the deadline is gone, t_continue fails, the script answers as usual")
    func cancelSuspend() throws {
        let h = try #require(Self.harness("""
            request_route {
                t_suspend();
                $var(index) = $T(id_index);
                $var(label) = $T(id_label);
                $var(cancelled) = t_cancel_suspend($var(index), $var(label));
                t_reply("404", "Not Here");
            }
            route[RESUME] { t_reply("200", "OK"); }
            """))
        let core = try Self.engine(h)
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("cancelled") == .int(1))
        let id = try Self.suspendedID(run)
        core.suspensionExpired(id)
        #expect(run.replies.map(\.statusCode) == [404], "no 408 after the suspension was cancelled")
        #expect(TransactionAPI.service(for: h.services)?.resume(id, routeName: "RESUME") == false)
    }

    @Test("$T(...) keys: unknown ones are config errors; id_index_n makes the transaction")
    func transactionPseudoVariable() throws {
        let bad = ScriptTestHarness.load("""
            loadmodule "tm.so"
            loadmodule "tmx.so"
            request_route { $var(x) = $T(nonsense); }
            """)
        guard case .failure(let list) = bad else {
            Issue.record("$T(nonsense) was accepted")
            return
        }
        #expect("\(list)".contains("$T(nonsense)"))
        let h = try #require(Self.harness("""
            request_route {
                if ($T(id_index) == $null) { $var(before) = "none"; }
                $var(made) = $T(id_label_n);
                $var(index) = $T(id_index);
                $var(label) = $T(id_label);
            }
            """))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("before") == .string("none"))
        #expect(run.variable("made") == run.variable("label"))
        #expect(TransactionAPI.service(for: h.services)?.transactionID(of: run.context) == (try Self.suspendedID(run)))
    }

    // MARK: callbacks

    final class EventLog: @unchecked Sendable {
        var events: [(TransactionEvents, Int)] = []
        var names: [String] {
            events.map { event, code in
                let name: String
                switch event {
                case .requestIn: name = "requestIn"
                case .responseIn: name = "responseIn"
                case .responseOut: name = "responseOut"
                case .onFailure: name = "onFailure"
                case .completed: name = "completed"
                case .destroyed: name = "destroyed"
                case .endToEndCancel: name = "e2eCancel"
                default: name = "?"
                }
                return code > 0 ? "\(name) \(code)" : name
            }
        }
    }

    @Test("Callbacks for every transaction: request in, replies out, then completed, in order")
    func callbacksInOrder() throws {
        let h = try #require(Self.harness("""
            request_route {
                t_newtran();
                t_reply("180", "Ringing");
                t_reply("486", "Busy Here");
            }
            """))
        let tm = try #require(TransactionAPI.service(for: h.services))
        let log = EventLog()
        #expect(tm.register(events: [.requestIn, .responseOut, .completed, .destroyed], context: nil) { info in
            log.events.append((info.event, info.code))
        })
        let run = h.run(ScriptTestHarness.request())
        #expect(run.replies.map(\.statusCode) == [180, 486])
        #expect(log.names == ["requestIn", "responseOut 180", "responseOut 486", "completed 486"])
    }

    @Test("A callback registered on one transaction from its route sees that transaction only")
    func callbackOnOneTransaction() throws {
        let h = try #require(Self.harness("""
            request_route { t_send_reply("404", "Not Found"); }
            """))
        let tm = try #require(TransactionAPI.service(for: h.services))
        let log = EventLog()
        let first = h.run(ScriptTestHarness.request()) { context in
            _ = tm.register(events: [.responseOut, .completed], context: context) { info in
                log.events.append((info.event, info.code))
            }
        }
        _ = h.run(ScriptTestHarness.message([
            "OPTIONS sip:x@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKsecond",
            "To: <sip:x@example.com>", "From: <sip:a@example.com>;tag=1", "Call-ID: second", "CSeq: 1 OPTIONS",
        ]))
        #expect(first.replies.map(\.statusCode) == [404])
        #expect(log.names == ["responseOut 404", "completed 404"])
    }

    @Test("A suspension that times out tells the failure callbacks")
    func suspensionFailureCallback() throws {
        let h = try #require(Self.harness(Self.suspendingRoute))
        let core = try Self.engine(h)
        let tm = try #require(TransactionAPI.service(for: h.services))
        let log = EventLog()
        _ = tm.register(events: [.onFailure], context: nil) { info in log.events.append((info.event, info.code)) }
        let run = h.run(ScriptTestHarness.request())
        core.suspensionExpired(try Self.suspendedID(run))
        #expect(log.names == ["onFailure 408"])
        #expect(run.replies.map(\.statusCode) == [408])
    }
}
