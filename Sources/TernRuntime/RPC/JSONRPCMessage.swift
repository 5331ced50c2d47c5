/// JSON-RPC 2.0 requests and responses as Kamailio's jsonrpcs reads and writes them:
/// positional params (named params are taken in their order, as Kamailio does), the FIFO
/// transport's extra `reply_name`, errors as `{"code","message"}`.
public struct JSONRPCCall: Sendable, Equatable {
    public var method: String
    public var parameters: [RPCValue]
    /// nil when the request has no `id` (a notification in JSON-RPC terms; Kamailio's
    /// jsonrpcs still answers it on the FIFO, and so does Tern).
    public var id: RPCValue?
    /// The reply FIFO name, on the FIFO transport.
    public var replyName: String?

    public var request: RPCRequest { RPCRequest(method: method, parameters: parameters, transport: .jsonRPC) }

    /// Parses one request document; the error is the JSON-RPC answer to send (with the id
    /// when the document had one).
    public static func parse(_ bytes: [UInt8]) -> Result<JSONRPCCall, JSONRPCFailure> {
        let document: RPCValue
        do {
            document = try RPCJSON.parse(bytes)
        } catch {
            return .failure(JSONRPCFailure(error: RPCError(code: -32700, message: "Parse error: \(error)"), id: .null, replyName: nil))
        }
        guard case .object(let object) = document else {
            return .failure(JSONRPCFailure(error: RPCError(code: -32600, message: "Invalid Request: not an object"), id: .null, replyName: nil))
        }
        let id = object["id"]
        var replyName: String?
        if case .string(let name)? = object["reply_name"] { replyName = name }
        guard case .string(let method)? = object["method"], !method.isEmpty else {
            return .failure(JSONRPCFailure(error: RPCError(code: -32600, message: "Invalid Request: method missing"), id: id ?? .null, replyName: replyName))
        }
        let parameters: [RPCValue]
        switch object["params"] {
        case nil, .null?: parameters = []
        case .array(let items)?: parameters = items
        case .object(let named)?: parameters = named.entries.map(\.value)
        case let single?: parameters = [single]
        }
        return .success(JSONRPCCall(method: method, parameters: parameters, id: id, replyName: replyName))
    }

    /// The response document for `outcome`.
    public func response(_ outcome: RPCResponder.Outcome, pretty: Bool) -> String {
        JSONRPCCall.response(outcome, id: id, pretty: pretty)
    }

    /// `id` nil: the request had none, and the answer has none either (Kamailio's jsonrpcs
    /// answers such requests on its FIFO, without an id).
    public static func response(_ outcome: RPCResponder.Outcome, id: RPCValue?, pretty: Bool) -> String {
        var document: RPCObject = ["jsonrpc": .string("2.0")]
        switch outcome {
        case .success(let value, _):
            document.set("result", value)
        case .failure(let error):
            document.set("error", .object(["code": .int(error.code), "message": .string(error.message)]))
        }
        if let id { document.set("id", id) }
        return RPCJSON.encode(.object(document), pretty: pretty)
    }
}

/// A request that could not be run, with what to answer.
public struct JSONRPCFailure: Error, Sendable, Equatable {
    public var error: RPCError
    public var id: RPCValue
    public var replyName: String?

    public init(error: RPCError, id: RPCValue = .null, replyName: String? = nil) {
        self.error = error
        self.id = id
        self.replyName = replyName
    }

    public func response(pretty: Bool) -> String {
        JSONRPCCall.response(.failure(error), id: id, pretty: pretty)
    }
}
