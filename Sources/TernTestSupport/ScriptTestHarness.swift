import Logging
import SIPCore
import TernModules
import TernRuntime
import TernScript

/// Runs a route on a message in process: the config compiled by the real checker, the modules
/// it loads configured as the server configures them, replies captured instead of sent.
public struct ScriptTestHarness {
    public let config: LoadedConfig
    public let services: RuntimeServices
    /// The module instances the compiled script's functions belong to.
    public let registry: ModuleRegistry

    /// Compiles `text` (the whole config, held as `main.cfg`) against `modules` and
    /// `coreFunctions`, then configures every module the config loads with its `modparam`s.
    /// A module that refuses its parameters turns into an error at its `loadmodule` line.
    public static func load(
        _ text: String, modules: [ModuleDescriptor] = BuiltinModules.all,
        coreFunctions: [FunctionDeclaration] = CoreFunctions.all, settings: CoreSettings = CoreSettings(),
        logger: Logger = Logger(label: "core") { _ in SwiftLogNoOpLogHandler() }
    ) -> Result<ScriptTestHarness, DiagnosticList> {
        let registry = ModuleRegistry(modules)
        let result = ConfigLoader.load(
            ConfigLoadRequest(path: "main.cfg"), symbols: registry.symbols(coreFunctions: coreFunctions),
            provider: InMemorySourceProvider(files: ["main.cfg": text]))
        switch result {
        case .failure(let list):
            return .failure(list)
        case .success(let config):
            let services = RuntimeServices(settings: settings, logger: logger)
            for load in config.modules {
                guard let module = registry.module(named: load.name) else { continue }
                do {
                    try module.configure(parameters: config.moduleParameters.filter { $0.module == load.name }, services: services)
                } catch {
                    return .failure(DiagnosticList([Diagnostic(at: load.location, "\(error)")]))
                }
            }
            return .success(ScriptTestHarness(config: config, services: services, registry: registry))
        }
    }

    /// What one run left behind.
    public struct Run {
        public let outcome: RouteOutcome
        public let context: ScriptContext
        public let channel: CapturedReplies

        /// The message as it would leave: the edits applied, Content-Length brought in line.
        public var edited: String {
            get throws {
                String(decoding: try MessageSerializer.serialize(context.message, edits: context.edits), as: UTF8.self)
            }
        }

        public var replies: [SIPReply] { channel.replies }
        public var newRequestURI: String? { context.newRequestURI }

        public func variable(_ name: String) -> ScriptValue { context.worker.variable(named: name) }
    }

    /// Runs `route` on `message` received over UDP from 192.0.2.10:5060 at 127.0.0.1:5070;
    /// `prepare` sees the context before the route does.
    public func run(
        _ message: SIPMessage, route: RouteKind = .request, worker: WorkerScriptState = WorkerScriptState(),
        prepare: (ScriptContext) -> Void = { _ in }
    ) -> Run {
        let channel = CapturedReplies()
        let context = Self.context(message, worker: worker, routeType: route.routeType, reply: channel)
        prepare(context)
        let outcome = config.script.run(route, context)
        return Run(outcome: outcome, context: context, channel: channel)
    }

    /// A context for `message` as a listener would make it.
    public static func context(
        _ message: SIPMessage, worker: WorkerScriptState = WorkerScriptState(), routeType: RouteTypes = .request,
        proto: TransportProtocol = .udp, source: SocketAddressText = SocketAddressText(ip: "192.0.2.10", port: 5060),
        local: SocketAddressText = SocketAddressText(ip: "127.0.0.1", port: 5070), reply: ReplyChannel = CapturedReplies()
    ) -> ScriptContext {
        let receive = ReceiveInfo(proto: proto, source: source, local: local, reply: reply)
        return ScriptContext(message: message, receive: receive, worker: worker, routeType: routeType)
    }
}

/// Replies the code under test sent, and whether it asked for the connection to be closed.
public final class CapturedReplies: ReplyChannel, @unchecked Sendable {
    public private(set) var sent: [[UInt8]] = []
    public private(set) var closed = false

    public init() {}

    public func send(_ bytes: [UInt8]) { sent.append(bytes) }
    public func close() { closed = true }

    public var replies: [SIPReply] { sent.compactMap { SIPReply(bytes: $0) } }
}

/// Log lines written through loggers made by `logger(level:)`, in order.
public final class CapturedLog: @unchecked Sendable {
    public private(set) var lines: [(level: Logger.Level, text: String)] = []

    public init() {}

    public var texts: [String] { lines.map(\.text) }
    public var levels: [Logger.Level] { lines.map(\.level) }

    /// A logger that writes here, passing `level` and above.
    public func logger(level: Logger.Level) -> Logger {
        Logger(label: "script") { _ in CapturedLogHandler(destination: self, logLevel: level) }
    }

    fileprivate func append(_ level: Logger.Level, _ text: String) { lines.append((level, text)) }
}

struct CapturedLogHandler: LogHandler {
    let destination: CapturedLog
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        destination.append(event.level, "\(event.message)")
    }
}
