// Runs scripts that use textops, siputils, sanity and sl on real SIP messages, in process
// (ScriptTestHarness): the script sees the module functions only, replies are captured.
import SIPCore
import TernRuntime
import TernScript
import TernTestSupport
import Testing

/// One script with the modules it loads, configured; `run` executes a route on a message.
struct ModuleTestHarness {
    static let moduleLines = """
        loadmodule "sl.so"
        loadmodule "textops.so"
        loadmodule "siputils.so"
        loadmodule "sanity.so"
        """

    let harness: ScriptTestHarness
    var services: RuntimeServices { harness.services }

    /// `routes` is the script after the module lines; `parameters` are extra modparam lines.
    init?(_ routes: String, parameters: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch ModuleTestHarness.load(ModuleTestHarness.moduleLines + "\n" + parameters + "\n" + routes) {
        case .failure(let errors):
            Issue.record("config did not load:\n\(errors)", sourceLocation: sourceLocation)
            return nil
        case .success(let harness):
            self.harness = harness
        }
    }

    static func load(_ text: String) -> Result<ScriptTestHarness, DiagnosticList> {
        ScriptTestHarness.load(text, coreFunctions: [], logger: WorkerScriptState().logger)
    }

    /// The errors a script that must not load gets.
    static func errors(_ routes: String) -> [String] {
        switch load(moduleLines + "\n" + routes) {
        case .success: return []
        case .failure(let list): return list.errors.map(\.message)
        }
    }

    func run(_ message: SIPMessage, route: RouteKind = .request, prepare: (ScriptContext) -> Void = { _ in }) -> ScriptTestHarness.Run {
        harness.run(message, route: route, prepare: prepare)
    }
}
