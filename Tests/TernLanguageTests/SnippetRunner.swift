import SIPCore
import TernModules
import TernRuntime
import TernScript

/// Runs one snippet the way the server would: the config `request_route { <snippet> }` is
/// loaded with every built-in module and the core functions in scope, the modules the
/// snippet names are configured, and request_route runs on a fresh copy of its request,
/// received over UDP from 127.0.0.1:38002 on 127.0.0.1:38001 (as Kamailio sees it when
/// scripts/check-snippets-against-kamailio.py sends it).
struct SnippetRunner {
    enum Outcome: Equatable, CustomStringConvertible {
        /// `$var(out)` as text.
        case value(String)
        /// The config was refused, with these diagnostics.
        case refused(String)
        /// The request itself did not parse (a broken table, not a Tern result).
        case badMessage(String)

        var description: String {
            switch self {
            case .value(let v): return "[\(v)]"
            case .refused(let d): return "config refused:\n\(d)"
            case .badMessage(let e): return "request does not parse: \(e)"
            }
        }
    }

    static let source = SocketAddressText(ip: "127.0.0.1", port: 38002)
    static let local = SocketAddressText(ip: "127.0.0.1", port: 38001)

    /// The config text: the same listen address Kamailio uses (so `myself` matches), the
    /// snippet's modules and routes, and its lines as the whole of request_route.
    static func config(for snippet: Snippet) -> String {
        var lines = ["listen=udp:127.0.0.1:38001", "auto_aliases=no"]
        lines += snippet.modules.map { "loadmodule \"\($0).so\"" }
        lines += snippet.routes
        lines.append("request_route {")
        lines += snippet.body
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func run(_ snippet: Snippet) -> Outcome {
        let registry = ModuleRegistry(BuiltinModules.all)
        let symbols = registry.symbols(coreFunctions: CoreFunctions.all)
        let provider = InMemorySourceProvider(files: ["snippet.cfg": config(for: snippet)])
        let loaded: LoadedConfig
        switch ConfigLoader.load(ConfigLoadRequest(path: "snippet.cfg"), symbols: symbols, provider: provider) {
        case .failure(let list):
            return .refused(list.description)
        case .success(let config):
            loaded = config
        }
        let started: [TernModule]
        do {
            started = try startModules(loaded, registry: registry)
        } catch {
            return .refused("\(error)")
        }
        defer { started.forEach { $0.stop() } }

        let message: SIPMessage
        do {
            message = try SIPMessage.parse(try SnippetCatalog.message(named: snippet.message))
        } catch {
            return .badMessage("\(snippet.message): \(error)")
        }
        let worker = WorkerScriptState()
        let receive = ReceiveInfo(proto: .udp, source: source, local: local, reply: DiscardingReplyChannel())
        let context = ScriptContext(message: message, receive: receive, worker: worker, routeType: .request)
        _ = loaded.script.run(.request, context)
        return .value(worker.variable(named: "out").stringValue)
    }

    /// Configures and starts the modules the config loads, as the server does before the
    /// first message.
    private static func startModules(_ config: LoadedConfig, registry: ModuleRegistry) throws -> [TernModule] {
        let settings = try CoreSettings(globals: config.globals)
        let services = RuntimeServices(settings: settings, logger: WorkerScriptState().logger)
        var started: [TernModule] = []
        for load in config.modules {
            guard let module = registry.module(named: load.name) else { continue }
            try module.configure(parameters: config.moduleParameters.filter { $0.module == load.name }, services: services)
            try module.start(services: services)
            started.append(module)
        }
        return started
    }
}

/// Replies a snippet sends go nowhere; the table looks only at `$var(out)`.
final class DiscardingReplyChannel: ReplyChannel, @unchecked Sendable {
    func send(_ bytes: [UInt8]) {}
}
