import SIPCore
import TernRPC
import TernRuntime
import TernScript

/// jsonrpcs's script side: `jsonrpc_dispatch()` answers the HTTP request being routed
/// (`event_route[xhttp:request]`) as JSON-RPC, `jsonrpc_exec(json)` runs a command from
/// the script and leaves the answer in `$jsonrpl(code)`, `$jsonrpl(text)`, `$jsonrpl(body)`.
struct JsonrpcsScriptFunctions {
    /// The last jsonrpc_exec answer on this message.
    struct ExecReply {
        var code: Int
        var text: String
        var body: String
    }

    static let replyKey = ScriptContextKey<ExecReply>()

    let services: @Sendable () -> RuntimeServices?
    let pretty: @Sendable () -> Bool
    /// The module's one handler, built when the module is configured.
    let httpHandler: @Sendable () -> JSONRPCHTTPHandler?

    var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "jsonrpc_dispatch", argumentCounts: 0...0, routeTypes: .request) { _, at throws(Diagnostic) in
                { ctx in dispatch(ctx, at: at) }
            },
            FunctionDeclaration(name: "jsonrpc_exec", argumentCounts: 1...1, routeTypes: .request) { args, at throws(Diagnostic) in
                let command = try args[0].formatString()
                return { ctx in exec(ctx, command.evaluate(ctx), at: at) }
            },
        ]
    }

    var pseudoVariables: [PseudoVariableDeclaration] {
        [
            PseudoVariableDeclaration(name: "jsonrpl", innerName: .required) { binding throws(Diagnostic) in
                let key = binding.inner ?? ""
                // The key is resolved here, once, not on each read.
                let read: (ExecReply) -> ScriptValue
                switch key {
                case "code": read = { .int($0.code) }
                case "text": read = { .string($0.text) }
                case "body": read = { .string($0.body) }
                default: throw binding.error("$jsonrpl(\(key)): the key is code, text or body")
                }
                return PseudoVariableAccessors { ctx in ctx[Self.replyKey].map(read) ?? ScriptValue.null }
            },
        ]
    }

    private func dispatch(_ ctx: ScriptContext, at: SourceLocation) -> Int {
        guard ctx.message.kind == .httpRequest, let handler = httpHandler() else {
            ctx.logFunctionError("jsonrpc_dispatch", "the message is not an HTTP request", at: at)
            return -1
        }
        handler.respond(to: ctx.message, over: ctx.receive)
        return 1
    }

    private func exec(_ ctx: ScriptContext, _ json: String, at: SourceLocation) -> Int {
        guard let services = services() else { return -1 }
        let answer: ExecReply
        switch JSONRPCCall.parse(Array(json.utf8)) {
        case .failure(let failure):
            answer = ExecReply(code: 500, text: failure.error.message, body: failure.response(pretty: pretty()))
        case .success(let call):
            let outcome = services.rpc.call(call.request)
            switch outcome {
            case .success:
                answer = ExecReply(code: 200, text: "OK", body: call.response(outcome, pretty: pretty()))
            case .failure(let error):
                answer = ExecReply(code: error.code, text: error.message, body: call.response(outcome, pretty: pretty()))
            }
        }
        ctx[Self.replyKey] = answer
        return 1
    }
}
