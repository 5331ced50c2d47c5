// Runs scripts that use textops, siputils, sanity and sl on real SIP messages, in process:
// the modules are configured as the server configures them, replies are captured.
import Foundation
import SIPCore
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

/// Replies sent by the code under test.
final class CapturingReplyChannel: ReplyChannel, @unchecked Sendable {
    var sent: [[UInt8]] = []
    var closed = false
    func send(_ bytes: [UInt8]) { sent.append(bytes) }
    func close() { closed = true }

    var replies: [SIPReply] { sent.compactMap { SIPReply(bytes: $0) } }
}

/// One script with the modules it loads, configured; `run` executes a route on a message.
struct ModuleTestHarness {
    let config: LoadedConfig
    let services: RuntimeServices
    /// The module instances the compiled script's functions belong to.
    let registry: ModuleRegistry

    /// `routes` is the script after the module lines; `parameters` are extra modparam lines.
    init?(_ routes: String, parameters: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let text = """
            loadmodule "sl.so"
            loadmodule "textops.so"
            loadmodule "siputils.so"
            loadmodule "sanity.so"
            \(parameters)
            \(routes)
            """
        switch ModuleTestHarness.load(text) {
        case .failure(let errors):
            Issue.record("config did not load:\n\(errors)", sourceLocation: sourceLocation)
            return nil
        case .success(let (config, services, registry)):
            self.config = config
            self.services = services
            self.registry = registry
        }
    }

    static func load(_ text: String) -> Result<(LoadedConfig, RuntimeServices, ModuleRegistry), DiagnosticList> {
        let registry = ModuleRegistry(BuiltinModules.all)
        defer { withExtendedLifetime(registry) {} }
        let symbols = registry.symbols(coreFunctions: [])
        let result = ConfigLoader.load(
            ConfigLoadRequest(path: "main.cfg", defines: []), symbols: symbols,
            provider: InMemorySourceProvider(files: ["main.cfg": text]))
        switch result {
        case .failure(let list):
            return .failure(list)
        case .success(let config):
            let services = RuntimeServices(settings: CoreSettings(), logger: WorkerScriptState().logger)
            for load in config.modules {
                guard let module = registry.module(named: load.name) else { continue }
                let parameters = config.moduleParameters.filter { $0.module == load.name }
                do {
                    try module.configure(parameters: parameters, services: services)
                } catch {
                    return .failure(DiagnosticList([Diagnostic(at: load.location, "\(error)")]))
                }
            }
            return .success((config, services, registry))
        }
    }

    /// The errors a script that must not load gets.
    static func errors(_ routes: String) -> [String] {
        let text = """
            loadmodule "sl.so"
            loadmodule "textops.so"
            loadmodule "siputils.so"
            loadmodule "sanity.so"
            \(routes)
            """
        switch load(text) {
        case .success: return []
        case .failure(let list): return list.errors.map(\.message)
        }
    }

    struct Run {
        let outcome: RouteOutcome
        let context: ScriptContext
        let channel: CapturingReplyChannel

        /// The message as it would leave: the edits applied, Content-Length brought in line.
        var edited: String {
            get throws {
                String(decoding: try MessageSerializer.serialize(context.message, edits: context.edits), as: UTF8.self)
            }
        }

        var replies: [SIPReply] { channel.replies }
        var newRequestURI: String? { context.newRequestURI }

        func variable(_ name: String) -> ScriptValue { context.worker.variable(named: name) }
    }

    func run(_ message: SIPMessage, route: RouteKind = .request, prepare: (ScriptContext) -> Void = { _ in }) -> Run {
        let channel = CapturingReplyChannel()
        let receive = ReceiveInfo(
            proto: .udp, source: SocketAddressText(ip: "192.0.2.10", port: 5060),
            local: SocketAddressText(ip: "127.0.0.1", port: 5070), reply: channel)
        let context = ScriptContext(message: message, receive: receive, worker: WorkerScriptState(), routeType: route.routeType)
        prepare(context)
        let outcome = config.script.run(route, context)
        return Run(outcome: outcome, context: context, channel: channel)
    }
}

/// Builds a SIP message from lines joined with CRLF; the body follows the empty line.
func sip(_ lines: [String], body: String = "", contentLength: Bool = true) -> SIPMessage {
    var all = lines
    if contentLength { all.append("Content-Length: \(body.utf8.count)") }
    let text = all.joined(separator: "\r\n") + "\r\n\r\n" + body
    do {
        return try SIPMessage.parse(Array(text.utf8))
    } catch {
        fatalError("test message does not parse: \(error)\n\(text)")
    }
}

/// An INVITE with the usual headers; `extra` lines go after CSeq.
func invite(
    uri: String = "sip:bob@example.com", method: String = "INVITE", extra: [String] = [], body: String = "",
    contentLength: Bool = true
) -> SIPMessage {
    sip([
        "\(method) \(uri) SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
        "Max-Forwards: 70",
        "To: <sip:bob@example.com>",
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 \(method)",
    ] + extra, body: body, contentLength: contentLength)
}

/// The header lines of a serialized message, in order.
func headerLines(_ text: String) -> [String] {
    let head = text.components(separatedBy: "\r\n\r\n").first ?? text
    return Array(head.components(separatedBy: "\r\n").dropFirst())
}
