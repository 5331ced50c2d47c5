// Runs scripts that load cfgutils, kex, maxfwd, pv and xlog on real SIP messages, in process
// (ScriptTestHarness): the config compiled with the core functions, log lines captured.
import Logging
import SIPCore
import TernRuntime
import TernScript
import TernTestSupport
import Testing

/// One configured script. The module lines are added in front of `routes`.
struct ModuleScript {
    static let moduleLines = """
        loadmodule "sl.so"
        loadmodule "pv.so"
        loadmodule "xlog.so"
        loadmodule "kex.so"
        loadmodule "cfgutils.so"
        loadmodule "maxfwd.so"
        """

    let harness: ScriptTestHarness
    var services: RuntimeServices { harness.services }
    /// The worker the runs share unless one is given (`$var` and setdebug persist in it).
    let worker: WorkerScriptState
    let log = CapturedLog()

    init?(_ routes: String, parameters: String = "", settings: CoreSettings = ModuleScript.settings(),
          workerLevel: Logger.Level = .trace, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch ModuleScript.load(routes, parameters: parameters, settings: settings) {
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        case .success(let harness):
            self.harness = harness
            worker = WorkerScriptState(logger: log.logger(level: workerLevel))
        }
    }

    static func settings(debug: Int = 3, logToStderr: Bool = false) -> CoreSettings {
        var settings = CoreSettings()
        settings.debugLevel = debug
        settings.logToStderr = logToStderr
        return settings
    }

    static func load(_ routes: String, parameters: String = "", settings: CoreSettings = settings())
        -> Result<ScriptTestHarness, DiagnosticList> {
        ScriptTestHarness.load(moduleLines + "\n" + parameters + "\n" + routes, settings: settings)
    }

    /// The error messages of a script that must not load (or whose modules refuse their parameters).
    static func errors(_ routes: String, parameters: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String] {
        switch load(routes, parameters: parameters) {
        case .success:
            Issue.record("config loaded but errors were expected", sourceLocation: sourceLocation)
            return []
        case .failure(let list):
            return list.errors.map(\.message)
        }
    }

    func run(_ message: SIPMessage = ScriptTestHarness.request(), route: RouteKind = .request, worker: WorkerScriptState? = nil,
             prepare: (ScriptContext) -> Void = { _ in }) -> ScriptTestHarness.Run {
        harness.run(message, route: route, worker: worker ?? self.worker, prepare: prepare)
    }
}
