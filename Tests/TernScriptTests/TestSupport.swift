import SIPCore
import TernTestSupport
import Testing

@testable import TernScript

/// Values the test module's `record(...)` function saw, in order.
final class Recorder: @unchecked Sendable {
    var values: [String] = []
}

/// Builds a SIP request from its parts, as bytes on the wire.
func sipRequest(
    _ method: String = "INVITE", uri: String = "sip:bob@example.com",
    from: String = "\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
    to: String = "<sip:bob@example.com>", callID: String = "a84b4c76e66710@pc33.atlanta.example.com",
    cseq: Int = 314159, extraHeaders: [String] = [], body: String = ""
) -> SIPMessage {
    var lines = [
        "\(method) \(uri) SIP/2.0",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
        "Max-Forwards: 70",
        "To: \(to)",
        "From: \(from)",
        "Call-ID: \(callID)",
        "CSeq: \(cseq) \(method)",
    ]
    lines += extraHeaders
    lines.append("Content-Length: \(body.utf8.count)")
    let text = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    do {
        return try SIPMessage.parse(Array(text.utf8))
    } catch {
        fatalError("test message does not parse: \(error)")
    }
}

func sipReply(status: Int = 200, reason: String = "OK", method: String = "INVITE") -> SIPMessage {
    let text = [
        "SIP/2.0 \(status) \(reason)",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
        "To: <sip:bob@example.com>;tag=a6c85cf",
        "From: <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710",
        "CSeq: 314159 \(method)",
        "Content-Length: 0",
    ].joined(separator: "\r\n") + "\r\n\r\n"
    do {
        return try SIPMessage.parse(Array(text.utf8))
    } catch {
        fatalError("test reply does not parse: \(error)")
    }
}

func makeContext(
    _ message: SIPMessage, worker: WorkerScriptState = WorkerScriptState(),
    source: SocketAddressText = SocketAddressText(ip: "192.0.2.10", port: 5062),
    local: SocketAddressText = SocketAddressText(ip: "127.0.0.1", port: 5070), proto: TransportProtocol = .udp
) -> ScriptContext {
    ScriptTestHarness.context(message, worker: worker, proto: proto, source: source, local: local)
}

/// Module declarations for tests: `sl` as the stateless benchmark needs it, `tm` with route-type
/// limits, and `probe`, whose functions let tests observe the script.
enum TestModules {
    static func sl(calls: Recorder? = nil) -> ModuleDeclaration {
        ModuleDeclaration(
            name: "sl",
            parameters: [ParameterDeclaration(name: "default_code", type: .int)],
            functions: [
                FunctionDeclaration(name: "sl_send_reply", argumentCounts: 2...2, routeTypes: [.request, .failure]) { args, _ throws(Diagnostic) in
                    guard args[0].constantInt != nil || !args[0].isConstant else {
                        throw .error("reply code must be a number", at: args[0].location)
                    }
                    let code = args[0], reason = args[1]
                    return { ctx in
                        calls?.values.append("\(code.evaluateString(ctx) ?? "") \(reason.evaluateString(ctx) ?? "")")
                        return 1
                    }
                },
                FunctionDeclaration(name: "sl_reply_error", argumentCounts: 0...0, routeTypes: .request) { _, _ throws(Diagnostic) in
                    { _ in 1 }
                },
            ])
    }

    static let tm = ModuleDeclaration(
        name: "tm",
        parameters: [
            ParameterDeclaration(name: "fr_timer", type: .int),
            ParameterDeclaration(name: "failure_reply_mode", type: .int),
        ],
        functions: [
            FunctionDeclaration(name: "t_relay", argumentCounts: 0...2, routeTypes: [.request, .failure]) { _, _ throws(Diagnostic) in { _ in 1 } },
            FunctionDeclaration(name: "t_reply", argumentCounts: 2...2, routeTypes: [.request, .failure]) { _, _ throws(Diagnostic) in { _ in 1 } },
            FunctionDeclaration(name: "t_check_trans", argumentCounts: 0...0, routeTypes: .request) { _, _ throws(Diagnostic) in { _ in -1 } },
            FunctionDeclaration(name: "t_on_failure", argumentCounts: 1...1, routeTypes: [.request, .failure, .branch], argumentKinds: [.literal]) { _, _ throws(Diagnostic) in { _ in 1 } },
        ])

    static let htable = ModuleDeclaration(
        name: "htable",
        parameters: [ParameterDeclaration(name: "htable", type: .string, repeatable: true)],
        pseudoVariables: [
            PseudoVariableDeclaration(name: "sht", innerName: .required) { _ throws(Diagnostic) in
                PseudoVariableAccessors(get: { _ in .null }, set: { _, _ in })
            }
        ])

    static let nathelper = ModuleDeclaration(
        name: "nathelper", parameters: [ParameterDeclaration(name: "received_avp", type: .string)])
    static let registrar = ModuleDeclaration(
        name: "registrar", parameters: [ParameterDeclaration(name: "received_avp", type: .string)],
        functions: [FunctionDeclaration(name: "save", argumentCounts: 1...3, routeTypes: [.request, .onReply]) { _, _ throws(Diagnostic) in { _ in 1 } }])

    /// `ret(n)` returns n; `record(x, ...)` stores its arguments as text and returns 1;
    /// `count()` returns 1 and counts calls.
    static func probe(_ recorder: Recorder) -> ModuleDeclaration {
        ModuleDeclaration(
            name: "probe",
            parameters: [
                ParameterDeclaration(name: "level", type: .int),
                ParameterDeclaration(name: "name", type: .string),
                ParameterDeclaration(name: "either", type: .intOrString),
            ],
            functions: [
                FunctionDeclaration(name: "ret", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.integer]) { args, _ throws(Diagnostic) in
                    let a = args[0]
                    if let n = a.constantInt { return { _ in n } }
                    return { ctx in a.evaluateInt(ctx) ?? -1 }
                },
                FunctionDeclaration(name: "record", argumentCounts: 1...3, routeTypes: .any) { args, _ throws(Diagnostic) in
                    return { ctx in
                        recorder.values.append(args.map { $0.evaluateString(ctx) ?? "<nil>" }.joined(separator: "|"))
                        return 1
                    }
                },
                FunctionDeclaration(name: "request_only", argumentCounts: 0...0, routeTypes: .request) { _, _ throws(Diagnostic) in { _ in 1 } },
                FunctionDeclaration(name: "store", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.pseudoVariable, .format]) { args, _ throws(Diagnostic) in
                    let target = try args[0].pseudoVariable()
                    let value = try args[1].formatString()
                    return { ctx in
                        target.set(ctx, .string(value.evaluate(ctx)))
                        return 1
                    }
                },
            ])
    }

    static func symbols(_ recorder: Recorder = Recorder(), sl: Recorder? = nil) -> ScriptSymbols {
        ScriptSymbols(availableModules: [Self.sl(calls: sl), tm, htable, nathelper, registrar, probe(recorder)], coreFunctions: [])
    }
}

/// Loads a configuration held in memory.
func loadConfig(
    _ files: [String: String], main: String = "main.cfg", defines: [(name: String, value: String?)] = [],
    symbols: ScriptSymbols = TestModules.symbols()
) -> Result<LoadedConfig, DiagnosticList> {
    ConfigLoader.load(ConfigLoadRequest(path: main, defines: defines), symbols: symbols,
                      provider: InMemorySourceProvider(files: files))
}

/// Loads a configuration that must be valid; records an issue with every diagnostic otherwise.
func loadValid(_ text: String, symbols: ScriptSymbols = TestModules.symbols(), sourceLocation: Testing.SourceLocation = #_sourceLocation) -> LoadedConfig? {
    switch loadConfig(["main.cfg": text], symbols: symbols) {
    case .success(let config):
        return config
    case .failure(let list):
        Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The diagnostics of a configuration that must fail to load.
func loadErrors(_ files: [String: String], main: String = "main.cfg", symbols: ScriptSymbols = TestModules.symbols(),
                sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    switch loadConfig(files, main: main, symbols: symbols) {
    case .success:
        Issue.record("config loaded but errors were expected", sourceLocation: sourceLocation)
        return []
    case .failure(let list):
        return list.errors
    }
}

func loadErrors(_ text: String, symbols: ScriptSymbols = TestModules.symbols(), sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    loadErrors(["main.cfg": text], symbols: symbols, sourceLocation: sourceLocation)
}

/// Runs request_route of a script on a message.
func runRequest(_ config: LoadedConfig, _ message: SIPMessage = sipRequest(), worker: WorkerScriptState = WorkerScriptState()) -> (RouteOutcome, ScriptContext) {
    let ctx = makeContext(message, worker: worker)
    let outcome = config.script.run(.request, ctx)
    return (outcome, ctx)
}
