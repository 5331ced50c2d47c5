import NIOCore
import NIOPosix
import SIPCore

/// Settings of the stream transports, from the core globals.
public struct StreamSettings: Sendable {
    /// tcp_accept_no_cl: accept messages without Content-Length (HTTP GET, MSRP).
    public var acceptNoContentLength = false
    /// tcp_connection_lifetime, in seconds of idleness.
    public var connectionLifetime: Int = 120
    public var limits = SIPParseLimits()

    public init() {}
}

/// A TCP listener on a NIO event loop. Connections are framed on the loop; whole messages
/// go to the shared `MessageWorkerPool` (tcp_children), where the script may block.
public final class TCPListener: @unchecked Sendable {
    public private(set) var address: ListenAddress
    private let group: EventLoopGroup
    private var channel: Channel?

    public init(address: ListenAddress, group: EventLoopGroup) {
        self.address = address
        self.group = group
    }

    public func start(
        pool: MessageWorkerPool,
        settings: StreamSettings,
        sendPath: SendPath? = nil,
        onFramingError: @escaping @Sendable (SIPParseError, [UInt8], ReceiveInfo) -> Void
    ) throws {
        let local = SocketAddressText(ip: address.host, port: address.port, isIPv6: address.isIPv6)
        let proto = address.proto
        let pipeline = StreamPipeline(group: group, pool: pool, settings: settings, connections: sendPath?.connections,
                                      sendPath: sendPath, onFramingError: onFramingError)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try pipeline.install(on: channel, proto: proto, local: local, connection: .inbound)
                }
            }
        do {
            let bound = try bootstrap.bind(host: address.host, port: address.port).wait()
            channel = bound
            if let port = bound.localAddress?.port { address.port = port }
            sendPath?.register(streamListener: address, pipeline: pipeline)
        } catch {
            throw TransportError("listen \(address): \(error)")
        }
    }

    public func stop() {
        try? channel?.close().wait()
        channel = nil
    }
}
