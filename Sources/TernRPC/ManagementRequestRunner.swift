import Logging
import TernRuntime

/// Runs what a `ManagementRequestScanner` found and renders each answer in the protocol
/// it was asked in: SER text (`200 OK` + lines, `500 command 'x' not available`) or a
/// JSON-RPC 2.0 response. Transports decide where answers go.
public struct ManagementRequestRunner: Sendable {
    /// One rendered answer and the reply FIFO named in the request (nil when none).
    public struct Answer: Sendable, Equatable {
        public var text: String
        public var replyName: String?
    }

    public let registry: RPCRegistry
    public let logger: Logger
    public let prettyJSON: Bool
    /// What follows a JSON answer: nothing on a FIFO (as Kamailio writes it; the writer
    /// closes), a newline on a connection that carries several.
    public let jsonTerminator: String

    public init(registry: RPCRegistry, logger: Logger, prettyJSON: Bool = true, jsonTerminator: String = "") {
        self.registry = registry
        self.logger = logger
        self.prettyJSON = prettyJSON
        self.jsonTerminator = jsonTerminator
    }

    /// Runs one scanned request; `answer` is called once (maybe later, from another
    /// thread) when the result is true; false means no answer comes (garbage).
    @discardableResult
    public func run(_ event: ManagementRequestScanner.Event, answer: @escaping @Sendable (Answer) -> Void) -> Bool {
        switch event {
        case .garbage(let line):
            logger.warning("management request ignored: malformed line '\(line.prefix(80))'")
            return false

        case .refused(let refusal):
            logger.warning("management request refused: \(refusal.reason)")
            switch refusal.kind {
            case .text:
                answer(Answer(text: "400 \(refusal.reason)\n", replyName: refusal.replyName))
            case .json:
                let failure = JSONRPCFailure(error: RPCError(code: -32600, message: "Invalid Request: \(refusal.reason)"), id: .null, replyName: refusal.replyName)
                answer(Answer(text: failure.response(pretty: prettyJSON) + jsonTerminator, replyName: refusal.replyName))
            }
            return true

        case .text(let request):
            runText(request, answer: answer)
            return true

        case .json(let bytes):
            return runJSON(bytes, answer: answer)
        }
    }

    private func runText(_ request: SERTextRequest, answer: @escaping @Sendable (Answer) -> Void) {
        let replyName = request.replyName.isEmpty ? nil : request.replyName
        let call = RPCRequest(method: request.command, parameters: request.lines.map { .string($0) }, transport: .serFIFO)
        let notFound = RPCError(code: 500, message: "command '\(request.command)' not available")
        registry.dispatch(call, notFound: notFound, responder: RPCResponder { outcome in
            answer(Answer(text: SERTextRendering.render(outcome), replyName: replyName))
        })
    }

    private func runJSON(_ bytes: [UInt8], answer: @escaping @Sendable (Answer) -> Void) -> Bool {
        let pretty = prettyJSON
        switch JSONRPCCall.parse(bytes) {
        case .failure(let failure):
            let replyName = failure.replyName ?? ReplyNameProbe.find(in: bytes)
            logger.warning("JSON-RPC request refused: \(failure.error.message)")
            answer(Answer(text: failure.response(pretty: pretty) + jsonTerminator, replyName: replyName))
            return true
        case .success(let call):
            let terminator = jsonTerminator
            registry.dispatch(call.request, notFound: .methodNotFound, responder: RPCResponder { outcome in
                answer(Answer(text: call.response(outcome, pretty: pretty) + terminator, replyName: call.replyName))
            })
            return true
        }
    }
}
