// Where a message came from and how to answer it: filled by the transport, read by the
// router and modules ($si, $sp, $Ri, $Rp, $pr) and used by stateless replies.

/// An IP address and port as text; `ip` never carries IPv6 brackets.
public struct SocketAddressText: Sendable, Hashable, CustomStringConvertible {
    public var ip: String
    public var port: Int
    public var isIPv6: Bool

    public init(ip: String, port: Int, isIPv6: Bool) {
        self.ip = ip
        self.port = port
        self.isIPv6 = isIPv6
    }

    /// Brackets around `ip` are removed; IPv6 is recognised by its colons.
    public init(ip: String, port: Int) {
        var text = ip
        if text.hasPrefix("[") && text.hasSuffix("]") && text.count >= 2 {
            text = String(text.dropFirst().dropLast())
        }
        self.init(ip: text, port: port, isIPv6: text.contains(":"))
    }

    /// The address as a URI host: IPv6 in brackets.
    public var hostText: String { isIPv6 ? "[" + ip + "]" : ip }

    /// `1.2.3.4:5060` or `[2001:db8::1]:5060`.
    public var description: String { hostText + ":" + String(port) }
}

/// Sends bytes back to where a message came from (the UDP peer or the TCP/TLS/WS connection).
public protocol ReplyChannel: AnyObject, Sendable {
    func send(_ bytes: [UInt8])
    /// The same peer at another port, for datagram transports: RFC 3261 §18.2.2 sends a UDP
    /// reply to the Via sent-by port unless the client asked for rport. Nil for streams,
    /// whose replies stay on the connection.
    func replacingPort(_ port: Int) -> ReplyChannel?
    /// Closes the connection once what was sent has been written (`set_reply_close()`);
    /// nothing for datagrams.
    func close()
}

extension ReplyChannel {
    public func replacingPort(_ port: Int) -> ReplyChannel? { nil }
    public func close() {}
}

public struct ReceiveInfo: Sendable {
    public var proto: TransportProtocol
    public var source: SocketAddressText
    public var local: SocketAddressText
    public var reply: any ReplyChannel

    public init(proto: TransportProtocol, source: SocketAddressText, local: SocketAddressText, reply: any ReplyChannel) {
        self.proto = proto
        self.source = source
        self.local = local
        self.reply = reply
    }
}
