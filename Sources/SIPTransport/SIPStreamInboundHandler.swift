import NIOCore
import SIPCore

/// The end of a connection's pipeline: pongs keep-alive pings, hands whole messages to the
/// worker pool, and answers framing errors with a 400/513 (when a reply can be formed)
/// before closing, since the stream has no trustworthy boundaries left.
final class SIPStreamInboundHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = StreamFrameEvent

    private let pool: MessageWorkerPool
    private let proto: TransportProtocol
    private let local: SocketAddressText
    private let onFramingError: @Sendable (SIPParseError, [UInt8], ReceiveInfo) -> Void
    private var receiveInfo: ReceiveInfo?
    /// The send path's table, where this connection is listed while it is open.
    private let connections: StreamConnectionTable?
    private let sendPath: SendPath?
    private var connectionID: Int
    private var peer: SendTarget?

    init(pool: MessageWorkerPool, proto: TransportProtocol, local: SocketAddressText,
         connections: StreamConnectionTable? = nil, sendPath: SendPath? = nil,
         connection: StreamPipeline.Connection = .inbound,
         onFramingError: @escaping @Sendable (SIPParseError, [UInt8], ReceiveInfo) -> Void) {
        self.pool = pool
        self.proto = proto
        self.local = local
        self.connections = connections
        self.sendPath = sendPath
        self.onFramingError = onFramingError
        switch connection {
        case .inbound:
            connectionID = 0
        case .outbound(let id, let target):
            connectionID = id
            peer = target
        }
    }

    private func receive(for channel: Channel) -> ReceiveInfo {
        if let info = receiveInfo { return info }
        let source = peer?.address ?? Self.remoteText(channel)
        let reply = TCPReplyChannel(channel: channel, connectionID: connectionID, proto: proto, sendPath: sendPath)
        let info = ReceiveInfo(proto: proto, source: source, local: local, reply: reply)
        receiveInfo = info
        return info
    }

    private static func remoteText(_ channel: Channel) -> SocketAddressText {
        let remote = channel.remoteAddress
        return SocketAddressText(ip: remote?.ipAddress ?? "0.0.0.0", port: remote?.port ?? 0,
                                 isIPv6: remote?.protocol == .inet6)
    }

    func channelActive(context: ChannelHandlerContext) {
        if let connections {
            let target = peer ?? SendTarget(proto: proto, address: Self.remoteText(context.channel))
            if connectionID == 0 { connectionID = connections.makeID() }
            peer = target
            connections.opened(context.channel, target: target, id: connectionID)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connections, let peer { connections.closed(id: connectionID, target: peer) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let event = unwrapInboundIn(data)
        let channel = context.channel
        switch event {
        case .ping:
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [13, 10])), promise: nil)
        case .message(let bytes):
            let info = receive(for: channel)
            let accepted = pool.submit { worker in
                if !worker.handle(bytes, from: info) { channel.close(promise: nil) }
            }
            if !accepted { channel.close(promise: nil) }
        case .framingError(let error, let head):
            let info = receive(for: channel)
            let report = onFramingError
            // Built and sent off the event loop like any reply, then the connection closes.
            let accepted = pool.submit { _ in
                report(error, head, info)
                channel.close(promise: nil)
            }
            if !accepted { channel.close(promise: nil) }
        }
    }

    typealias OutboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // tcp_connection_lifetime passed with no traffic.
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
