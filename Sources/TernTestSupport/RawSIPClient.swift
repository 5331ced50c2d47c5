/// Raw exchanges with a server on 127.0.0.1: one datagram out and its reply back, TCP
/// connections, and the liveness probe every test uses after sending something nasty.
public struct RawSIPClient: Sendable {
    public let serverPort: UInt16

    public init(serverPort: UInt16) {
        self.serverPort = serverPort
    }

    /// A UDP socket on 127.0.0.1 (`localPort` 0 = any free port).
    public func udp(localPort: UInt16 = 0) throws -> UDPEndpoint {
        try UDPEndpoint(port: localPort)
    }

    public func tcp(timeout: Duration = .seconds(2)) throws -> TCPConnection {
        try TCPConnection(port: serverPort, timeout: timeout)
    }

    /// Sends `bytes` from a fresh UDP socket and returns the first SIP reply within `timeout`.
    public func exchangeUDP(_ bytes: [UInt8], timeout: Duration = .seconds(2)) throws -> SIPReply? {
        let socket = try UDPEndpoint()
        try socket.send(bytes, to: serverPort)
        return try socket.receiveReply(timeout: timeout)
    }

    /// Sends a request built against a fresh socket (its port goes into Via) and returns the
    /// reply whose Call-ID matches.
    public func exchangeUDP(timeout: Duration = .seconds(2),
                            _ build: (_ clientPort: UInt16) -> SIPRequestBuilder) throws -> SIPReply? {
        let socket = try UDPEndpoint()
        let request = build(socket.localPort)
        try socket.send(request.bytes(), to: serverPort)
        let callID = request.headers.first { $0.name.lowercased() == "call-id" }?.value
        return try socket.receiveReply(timeout: timeout) { callID == nil || $0.value(of: "call-id") == callID }
    }

    /// True when `OPTIONS sip:ping@127.0.0.1:<port>` over UDP gets any SIP reply in time.
    public func ping(timeout: Duration = .seconds(2)) -> Bool {
        let reply = try? exchangeUDP(timeout: timeout) { clientPort in
            SIPRequestBuilder.options(serverPort: serverPort, clientPort: clientPort, user: "ping")
        }
        return reply != nil
    }

    /// True when an OPTIONS on a new TCP connection gets a reply in time.
    public func pingTCP(timeout: Duration = .seconds(2)) -> Bool {
        guard let connection = try? tcp(timeout: timeout) else { return false }
        defer { connection.close() }
        let request = SIPRequestBuilder.options(serverPort: serverPort, clientPort: connection.localPort,
                                                transport: "TCP", user: "ping")
        guard connection.write(request.bytes(), timeout: timeout) == .complete else { return false }
        if case .reply = connection.readReply(timeout: timeout) { return true }
        return false
    }
}
