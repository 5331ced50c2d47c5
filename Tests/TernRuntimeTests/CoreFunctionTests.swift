// The core functions as a script sees them: compiled by the real checker from config text,
// run on parsed SIP messages. This file holds the harness the CoreFunction*Tests files share,
// and the checks that concern the list as a whole.
import Logging
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernRuntime

/// A script made of core functions only, compiled once (ScriptTestHarness with no modules).
struct CoreScript {
    let harness: ScriptTestHarness

    init?(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch CoreScript.load(text) {
        case .success(let harness): self.harness = harness
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func load(_ text: String) -> Result<ScriptTestHarness, DiagnosticList> {
        ScriptTestHarness.load(text, modules: [], coreFunctions: CoreFunctions.all)
    }

    /// The error messages of a script that must not load.
    static func errors(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String] {
        switch load(text) {
        case .success:
            Issue.record("config loaded but errors were expected", sourceLocation: sourceLocation)
            return []
        case .failure(let list):
            return list.errors.map(\.message)
        }
    }

    struct Run {
        let outcome: RouteOutcome
        let context: ScriptContext
        let log: CapturedLog
    }

    /// Runs on a fresh worker whose log lines at `logLevel` and above are kept.
    func run(_ message: SIPMessage = ScriptTestHarness.request(), route: RouteKind = .request, logLevel: Logger.Level = .trace,
             prepare: (ScriptContext) -> Void = { _ in }) -> Run {
        let log = CapturedLog()
        let run = harness.run(message, route: route, worker: WorkerScriptState(logger: log.logger(level: logLevel)), prepare: prepare)
        return Run(outcome: run.outcome, context: run.context, log: log)
    }
}

@Suite struct CoreFunctionListTests {
    @Test func everyNameIsDeclaredOnceWithItsAliases() {
        let names = CoreFunctions.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in ["seturi", "rewriteuri", "sethost", "rewritehost", "seth", "sethostport", "rewritehostport", "sethp",
                     "sethostporttrans", "sethpt", "setuser", "rewriteuser", "setu", "setuserpass", "setup", "setport",
                     "setp", "revert_uri", "prefix", "strip", "strip_tail", "userphone", "setflag", "resetflag",
                     "isflagset", "append_branch", "remove_branch", "clear_branches", "force_rport", "add_rport",
                     "add_local_rport", "force_send_socket", "set_reply_close", "set_reply_no_connect",
                     "set_forward_close", "set_forward_no_connect", "log", "error"] {
            #expect(names.contains(name), "\(name) is missing")
        }
        for name in ["forward", "forward_udp", "forward_tcp", "forward_tls", "send", "send_tcp"] {
            #expect(names.contains(name), "\(name) is missing")
        }
    }

    @Test func wrongArgumentCountIsAConfigError() {
        let errors = CoreScript.errors("request_route { sethost(); strip(1, 2); append_branch(\"a\", \"0.5\", \"x\"); }")
        #expect(errors.count == 3)
        #expect(errors.contains { $0.contains("'sethost' takes 1 argument, given 0") })
        #expect(errors.contains { $0.contains("'append_branch' takes 0 to 2 arguments, given 3") })
    }

    @Test func onsendRouteAdmitsOnlyWhatKamailioAdmits() {
        // Kamailio's grammar: in onsend_route only log, the flag functions and the
        // set_*_close / set_*_no_connect family among the core actions.
        #expect(CoreScript("""
            request_route { exit; }
            onsend_route { log(1, "sending"); setflag(1); isflagset(1); set_forward_close(); set_reply_no_connect(); }
            """) != nil)
        let errors = CoreScript.errors("""
            request_route { exit; }
            onsend_route { sethost("x"); force_rport(); }
            """)
        #expect(errors == ["function 'sethost' cannot be used in onsend_route", "function 'force_rport' cannot be used in onsend_route"])
    }

    @Test func aFunctionReturningZeroOrLessIsFalseInConditions() {
        guard let script = CoreScript("""
            request_route {
                if (isflagset(2)) { log(1, "set"); } else { log(1, "not set"); }
                setflag(2);
                if (isflagset(2)) { log(1, "now set"); }
            }
            """) else { return }
        #expect(script.run().log.texts == ["<script>: not set", "<script>: now set"])
    }
}
