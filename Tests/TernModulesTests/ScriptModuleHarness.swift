// Runs scripts that load cfgutils, kex, maxfwd, pv and xlog on real SIP messages, in process:
// the config compiled by the real checker (core functions included), the loaded modules
// configured as the server configures them, log lines captured through swift-log.
import Logging
import SIPCore
import TernRuntime
import TernScript
import Testing

@testable import TernModules

/// Log lines written while a script ran.
final class LogRecorder: @unchecked Sendable {
    private(set) var lines: [(level: Logger.Level, text: String)] = []
    func append(_ level: Logger.Level, _ text: String) { lines.append((level, text)) }
    var texts: [String] { lines.map(\.text) }
    var levels: [Logger.Level] { lines.map(\.level) }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(event.level, "\(event.message)")
    }
}

final class RecordingChannel: ReplyChannel, @unchecked Sendable {
    var sent: [[UInt8]] = []
    func send(_ bytes: [UInt8]) { sent.append(bytes) }
}

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

    let config: LoadedConfig
    let services: RuntimeServices
    let registry: ModuleRegistry
    /// The worker the runs share unless one is given (`$var` and setdebug persist in it).
    let worker: WorkerScriptState
    let log: LogRecorder

    init?(_ routes: String, parameters: String = "", settings: CoreSettings = ModuleScript.settings(),
          workerLevel: Logger.Level = .trace, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch ModuleScript.load(routes, parameters: parameters, settings: settings) {
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        case .success(let (config, services, registry)):
            self.config = config
            self.services = services
            self.registry = registry
            let recorder = LogRecorder()
            log = recorder
            worker = WorkerScriptState(logger: Logger(label: "script") { _ in RecordingLogHandler(recorder: recorder, logLevel: workerLevel) })
        }
    }

    static func settings(debug: Int = 3, logToStderr: Bool = false) -> CoreSettings {
        var settings = CoreSettings()
        settings.debugLevel = debug
        settings.logToStderr = logToStderr
        return settings
    }

    static func load(_ routes: String, parameters: String = "", settings: CoreSettings = settings())
        -> Result<(LoadedConfig, RuntimeServices, ModuleRegistry), DiagnosticList> {
        let text = moduleLines + "\n" + parameters + "\n" + routes
        let registry = ModuleRegistry(BuiltinModules.all)
        let result = ConfigLoader.load(
            ConfigLoadRequest(path: "main.cfg"), symbols: registry.symbols(coreFunctions: CoreFunctions.all),
            provider: InMemorySourceProvider(files: ["main.cfg": text]))
        switch result {
        case .failure(let list):
            return .failure(list)
        case .success(let config):
            let services = RuntimeServices(settings: settings, logger: Logger(label: "core") { _ in SwiftLogNoOpLogHandler() })
            for load in config.modules {
                guard let module = registry.module(named: load.name) else { continue }
                do {
                    try module.configure(parameters: config.moduleParameters.filter { $0.module == load.name }, services: services)
                } catch {
                    return .failure(DiagnosticList([Diagnostic(at: load.location, "\(error)")]))
                }
            }
            return .success((config, services, registry))
        }
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

    struct Run {
        let outcome: RouteOutcome
        let context: ScriptContext
        let channel: RecordingChannel

        /// The message as it would be forwarded: the edits applied.
        var forwarded: String {
            get throws {
                String(decoding: try MessageSerializer.serialize(context.message, edits: context.edits), as: UTF8.self)
            }
        }

        func variable(_ name: String) -> ScriptValue { context.worker.variable(named: name) }
    }

    func run(_ message: SIPMessage = request(), route: RouteKind = .request, worker: WorkerScriptState? = nil,
             prepare: (ScriptContext) -> Void = { _ in }) -> Run {
        let channel = RecordingChannel()
        let receive = ReceiveInfo(
            proto: .udp, source: SocketAddressText(ip: "192.0.2.10", port: 5060),
            local: SocketAddressText(ip: "127.0.0.1", port: 5070), reply: channel)
        let context = ScriptContext(message: message, receive: receive, worker: worker ?? self.worker, routeType: route.routeType)
        prepare(context)
        let outcome = config.script.run(route, context)
        return Run(outcome: outcome, context: context, channel: channel)
    }
}

/// A request with the usual headers; `maxForwards` nil leaves the header out.
func request(method: String = "INVITE", uri: String = "sip:bob@example.com", maxForwards: String? = "70",
             extra: [String] = []) -> SIPMessage {
    var lines = [
        "\(method) \(uri) SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
    ]
    if let maxForwards { lines.append("Max-Forwards: \(maxForwards)") }
    lines += [
        "To: <sip:bob@example.com>",
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 \(method)",
    ] + extra + ["Content-Length: 0"]
    return parse(lines.joined(separator: "\r\n") + "\r\n\r\n")
}

func reply(status: Int = 200, method: String = "INVITE") -> SIPMessage {
    parse([
        "SIP/2.0 \(status) Whatever",
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>;tag=a6c85cf",
        "From: <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710",
        "CSeq: 314159 \(method)",
        "Content-Length: 0",
    ].joined(separator: "\r\n") + "\r\n\r\n")
}

private func parse(_ text: String) -> SIPMessage {
    do {
        return try SIPMessage.parse(Array(text.utf8))
    } catch {
        fatalError("test message does not parse: \(error)\n\(text)")
    }
}
