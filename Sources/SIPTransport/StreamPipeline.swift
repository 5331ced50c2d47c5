import NIOCore
import SIPCore

/// What every SIP stream connection runs, accepted or opened by the send path: idle timeout,
/// Content-Length framing, and the handler that queues whole messages for the workers and
/// keeps the connection in the send path's table.
struct StreamPipeline: Sendable {
    enum Connection {
        case inbound
        /// Opened by the send path, already in the table under this id.
        case outbound(id: Int, target: SendTarget)
    }

    let group: EventLoopGroup
    let pool: MessageWorkerPool
    let settings: StreamSettings
    let connections: StreamConnectionTable?
    let sendPath: SendPath?
    let onFramingError: @Sendable (SIPParseError, [UInt8], ReceiveInfo) -> Void

    func install(on channel: Channel, proto: TransportProtocol, local: SocketAddressText, connection: Connection) throws {
        let lifetime = TimeAmount.seconds(Int64(max(1, settings.connectionLifetime)))
        let handlers: [ChannelHandler] = [
            IdleStateHandler(allTimeout: lifetime),
            ByteToMessageHandler(SIPStreamFrameDecoder(
                acceptNoContentLength: settings.acceptNoContentLength, limits: settings.limits)),
            SIPStreamInboundHandler(pool: pool, proto: proto, local: local, connections: connections,
                                    sendPath: sendPath, connection: connection, onFramingError: onFramingError),
        ]
        try channel.pipeline.syncOperations.addHandlers(handlers)
    }
}
