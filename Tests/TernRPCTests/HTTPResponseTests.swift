import SIPCore
import Testing
import TernRuntime

@Suite("HTTP responses on the SIP ports")
struct HTTPResponseTests {
    @Test func serializedWithItsOwnContentLength() {
        let response = HTTPResponse(status: 200, reason: "OK", headers: [(name: "Content-Type", value: "application/json"), (name: "Content-Length", value: "999")],
                                    body: Array("{}".utf8))
        let text = String(decoding: response.serialized(version: "HTTP/1.0", serverHeader: "Server: tern"), as: UTF8.self)
        #expect(text == "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nServer: tern\r\nContent-Length: 2\r\n\r\n{}")
    }

    @Test func sentInTheRequestsVersionAndClosedWhenAsked() throws {
        let channel = RecordingChannel()
        let receive = ReceiveInfo(proto: .tcp, source: SocketAddressText(ip: "127.0.0.1", port: 5000, isIPv6: false),
                                  local: SocketAddressText(ip: "127.0.0.1", port: 5060, isIPv6: false), reply: channel)
        let keepAlive = try SIPMessage.parse(Array("POST /RPC HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".utf8))
        HTTPResponse(status: 404, reason: "Not Found").send(answering: keepAlive, over: receive)
        #expect(channel.sent == ["HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"])
        #expect(!channel.closed)
        let closing = try SIPMessage.parse(Array("POST /RPC HTTP/1.0\r\nHost: x\r\nContent-Length: 0\r\n\r\n".utf8))
        HTTPResponse(status: 200, reason: "OK").send(answering: closing, over: receive)
        #expect(channel.sent.last?.hasPrefix("HTTP/1.0 200 OK\r\n") == true)
        #expect(channel.closed)
    }
}

final class RecordingChannel: ReplyChannel, @unchecked Sendable {
    var sent: [String] = []
    var closed = false
    func send(_ bytes: [UInt8]) { sent.append(String(decoding: bytes, as: UTF8.self)) }
    func replacingPort(_ port: Int) -> ReplyChannel? { nil }
    func close() { closed = true }
}
