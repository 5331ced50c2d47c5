// HTTP on the SIP stream ports (Kamailio serves xhttp and jsonrpcs there): the router
// hands each framed HTTP request to the handlers modules install, in order.

import SIPCore
import TernScript

/// A module that answers HTTP requests arriving on the SIP TCP/TLS ports (jsonrpcs's
/// `/RPC`, xhttp's `event_route[xhttp:request]`). Called on a TCP worker thread.
public protocol HTTPRequestHandler: AnyObject, Sendable {
    /// True when the handler took the request: it answered, or will answer, through
    /// `receive.reply` (see `HTTPResponse.send`). False lets the next handler try.
    func handle(_ request: SIPMessage, _ receive: ReceiveInfo, worker: WorkerScriptState) -> Bool
}

/// One HTTP/1.x response: status line, header fields and body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, reason: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    public init(status: Int, reason: String, contentType: String, body: String) {
        self.init(status: status, reason: reason, headers: [(name: "Content-Type", value: contentType)], body: Array(body.utf8))
    }

    /// The response bytes; Content-Length is always computed here, never taken from `headers`.
    /// `serverHeader` is a whole header line (`Server: tern …`, as `server_header` sets it).
    public func serialized(version: String = "HTTP/1.1", serverHeader: String? = nil) -> [UInt8] {
        var text = "\(version) \(status) \(reason)\r\n"
        for header in headers where header.name.lowercased() != "content-length" {
            text += "\(header.name): \(header.value)\r\n"
        }
        if let serverHeader, !headers.contains(where: { $0.name.lowercased() == "server" }) {
            text += serverHeader + "\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }

    /// Answers `request` on its connection, in the request's HTTP version; closes the
    /// connection afterwards when the client asked (`Connection: close`, or HTTP/1.0
    /// without keep-alive).
    public func send(answering request: SIPMessage, over receive: ReceiveInfo, serverHeader: String? = nil) {
        let version = request.string(request.versionRange)
        receive.reply.send(serialized(version: version.hasPrefix("HTTP/") ? version : "HTTP/1.1", serverHeader: serverHeader))
        if HTTPResponse.wantsClose(request) { receive.reply.close() }
    }

    static func wantsClose(_ request: SIPMessage) -> Bool {
        let connection = request.headers(named: "Connection").map { request.string($0.valueRange).lowercased() }
        if connection.contains(where: { $0.contains("close") }) { return true }
        if request.string(request.versionRange) == "HTTP/1.0" {
            return !connection.contains(where: { $0.contains("keep-alive") })
        }
        return false
    }

    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.reason == rhs.reason && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}
