import SIPCore
import TernRuntime
import TernScript

/// JSON-RPC 2.0 over HTTP on the SIP TCP ports: `POST /RPC` with a JSON-RPC body, answered
/// with `application/json` (Kamailio's jsonrpcs behind xhttp). Other paths are left to the
/// next handler (xhttp's event route).
public final class JSONRPCHTTPHandler: HTTPRequestHandler, @unchecked Sendable {
    private let registry: RPCRegistry
    private let path: String
    private let prettyJSON: Bool
    private let serverHeader: String?
    public let maximumBodyBytes: Int

    public init(registry: RPCRegistry, path: String = "/RPC", prettyJSON: Bool = true, serverHeader: String?, maximumBodyBytes: Int = 1 << 20) {
        self.registry = registry
        self.path = path
        self.prettyJSON = prettyJSON
        self.serverHeader = serverHeader
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func handle(_ request: SIPMessage, _ receive: ReceiveInfo, worker: WorkerScriptState) -> Bool {
        let target = request.string(request.requestURIRange)
        guard target.prefix(while: { $0 != "?" }) == path else { return false }
        respond(to: request, over: receive)
        return true
    }

    /// Answers an HTTP request as JSON-RPC whatever its path (jsonrpc_dispatch()).
    public func respond(to request: SIPMessage, over receive: ReceiveInfo) {
        let serverHeader = self.serverHeader
        guard request.methodIs(raw: "POST") else {
            var response = HTTPResponse(status: 405, reason: "Method Not Allowed", contentType: "text/plain", body: "JSON-RPC requests are POSTed\n")
            response.headers.append((name: "Allow", value: "POST"))
            response.send(answering: request, over: receive, serverHeader: serverHeader)
            return
        }
        guard request.body.count <= maximumBodyBytes else {
            HTTPResponse(status: 413, reason: "Payload Too Large", contentType: "text/plain", body: "request too large\n")
                .send(answering: request, over: receive, serverHeader: serverHeader)
            return
        }
        let pretty = prettyJSON
        switch JSONRPCCall.parse(Array(request.body)) {
        case .failure(let failure):
            HTTPResponse(status: 200, reason: "OK", contentType: "application/json", body: failure.response(pretty: pretty) + "\n")
                .send(answering: request, over: receive, serverHeader: serverHeader)
        case .success(let call):
            registry.dispatch(call.request, notFound: .methodNotFound, responder: RPCResponder { outcome in
                HTTPResponse(status: 200, reason: "OK", contentType: "application/json", body: call.response(outcome, pretty: pretty) + "\n")
                    .send(answering: request, over: receive, serverHeader: serverHeader)
            })
        }
    }
}
