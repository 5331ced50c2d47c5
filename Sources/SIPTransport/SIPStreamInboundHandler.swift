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

    init(pool: MessageWorkerPool, proto: TransportProtocol, local: SocketAddressText,
         onFramingError: @escaping @Sendable (SIPParseError, [UInt8], ReceiveInfo) -> Void) {
        self.pool = pool
        self.proto = proto
        self.local = local
        self.onFramingError = onFramingError
    }

    private func receive(for channel: Channel) -> ReceiveInfo {
        if let info = receiveInfo { return info }
        let remote = channel.remoteAddress
        let source = SocketAddressText(ip: remote?.ipAddress ?? "0.0.0.0", port: remote?.port ?? 0,
                                       isIPv6: remote?.protocol == .inet6)
        let info = ReceiveInfo(proto: proto, source: source, local: local, reply: TCPReplyChannel(channel: channel))
        receiveInfo = info
        return info
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
