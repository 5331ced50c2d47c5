import NIOCore
import SIPCore

/// Writes replies back on the connection the request came in on (RFC 3261 §18.2.2).
/// Channel writes are thread-safe: NIO hops to the connection's event loop.
final class TCPReplyChannel: ReplyChannel, @unchecked Sendable {
    let channel: Channel
    /// The connection's id in the send path's table (0 when it is not listed).
    let connectionID: Int
    let proto: TransportProtocol
    let sendPath: SendPath?
    /// Where to open a new connection when this one is gone (§18.2.2: the Via's received
    /// address at its sent-by port); nil = the reply is lost with the connection.
    let fallback: SocketAddressText?

    init(channel: Channel, connectionID: Int = 0, proto: TransportProtocol = .tcp,
         sendPath: SendPath? = nil, fallback: SocketAddressText? = nil) {
        self.channel = channel
        self.connectionID = connectionID
        self.proto = proto
        self.sendPath = sendPath
        self.fallback = fallback
    }

    func send(_ bytes: [UInt8]) {
        if !channel.isActive, let sendPath, let fallback {
            sendPath.send(bytes, to: SendTarget(proto: proto, address: fallback))
            return
        }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }
}

extension SendPath {
    /// A reply channel for a request that arrived on a stream: writes on that connection
    /// while it is open, else opens a new one to `address` (RFC 3261 §18.2.2). Other channels
    /// come back unchanged.
    public static func replyChannel(_ channel: any ReplyChannel, reconnectingTo address: SocketAddressText) -> any ReplyChannel {
        guard let stream = channel as? TCPReplyChannel, stream.sendPath != nil else { return channel }
        return TCPReplyChannel(channel: stream.channel, connectionID: stream.connectionID, proto: stream.proto,
                               sendPath: stream.sendPath, fallback: address)
    }
}
