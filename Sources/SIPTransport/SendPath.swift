#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore

/// The one way messages leave Tern, other than replies on the socket a request came in on.
/// UDP goes out of a bound listening socket (so the peer sees the port we listen on); TCP
/// reuses a connection to the peer whichever side opened it, or opens one whose incoming
/// messages are routed like any accepted connection's.
public final class SendPath: @unchecked Sendable {
    private let lock = NIOLock()
    private var udpSockets: [UDPSocket] = []
    private var streamListeners: [StreamListenerEntry] = []

    private struct StreamListenerEntry {
        var address: ListenAddress
        var isIPv6: Bool
    }
    private var streams: StreamPipeline?
    let connections = StreamConnectionTable()
    private let sourceProbe = SourceAddressProbe()

    public init() {}

    // MARK: registration (ServerRuntime, after binding)

    /// Makes a bound UDP listener's socket available for sending.
    public func register(_ listener: UDPListener) {
        lock.withLock { udpSockets.append(listener.socket) }
    }

    /// Called by TCPListener.start: the listener's address and what an outbound connection's
    /// pipeline needs (the same framing and worker pool as accepted ones).
    func register(streamListener address: ListenAddress, pipeline: StreamPipeline) {
        lock.withLock {
            streamListeners.append(StreamListenerEntry(address: address, isIPv6: address.isIPv6))
            if streams == nil { streams = pipeline }
        }
    }

    /// Forgets the sockets (the server is stopping).
    public func removeAll() {
        lock.withLock {
            udpSockets.removeAll()
            streamListeners.removeAll()
            streams = nil
        }
    }

    // MARK: sending

    /// Sends one message; `from` = forced local socket (force_send_socket/$fs), nil = first listener of
    /// that transport and address family. UDP: sendto from the listening socket. TCP: reuse a connection
    /// to that peer (inbound or outbound), else open one (messages arriving on it are routed as usual).
    @discardableResult
    public func send(_ bytes: [UInt8], to target: SendTarget, from local: ListenAddress? = nil) -> Bool {
        send(bytes, to: target, from: local, behaviour: [], connectionID: nil)
    }

    /// As `send(_:to:from:)`, with the stream options of the script (`set_forward_no_connect()`…)
    /// and, for a reply, the id of the connection its request arrived on (the `i=` of our Via),
    /// which wins over the peer address while that connection is open.
    @discardableResult
    public func send(_ bytes: [UInt8], to target: SendTarget, from local: ListenAddress?,
                     behaviour: SendBehaviour, connectionID: Int?) -> Bool {
        switch target.proto {
        case .udp:
            guard let socket = udpSocket(toward: target, from: local),
                  let (storage, length) = POSIXAddress.make(ip: target.address.ip, port: target.address.port,
                                                            isIPv6: target.address.isIPv6)
            else { return false }
            var peer = storage
            return withUnsafePointer(to: &peer) { socket.send(bytes, to: $0, length: length) }
        case .tcp:
            return sendStream(bytes, to: target, from: local, behaviour: behaviour, connectionID: connectionID)
        default:
            return false
        }
    }

    /// The address a message to `target` leaves from: what goes in Via sent-by and Record-Route.
    public func localAddress(toward target: SendTarget, from local: ListenAddress? = nil) -> ListenAddress? {
        let chosen: ListenAddress?
        switch target.proto {
        case .udp: chosen = udpSocket(toward: target, from: local)?.address
        case .tcp: chosen = streamListener(toward: target, from: local)
        default: chosen = nil
        }
        guard var address = chosen else { return nil }
        // A wildcard socket has no address of its own: use the one the kernel routes from.
        if Self.isWildcard(address.host) {
            address.host = sourceProbe.source(toward: target.address) ?? address.host
        }
        return address
    }

    /// The id of the stream connection a reply channel writes to (nil for datagrams).
    public func connectionID(of channel: any ReplyChannel) -> Int? {
        (channel as? TCPReplyChannel)?.connectionID
    }

    /// How many stream connections are open or opening.
    public var streamConnectionCount: Int { connections.count }

    // MARK: socket choice

    private func udpSocket(toward target: SendTarget, from local: ListenAddress?) -> UDPSocket? {
        lock.withLock {
            if let local {
                return udpSockets.first { $0.address.host == local.host && $0.address.port == local.port }
                    ?? udpSockets.first { $0.isWildcard && $0.address.port == local.port && $0.isIPv6 == local.isIPv6 }
            }
            let wanted = target.address.isIPv6
            return udpSockets.first { $0.isIPv6 == wanted }
        }
    }

    private func streamListener(toward target: SendTarget, from local: ListenAddress?) -> ListenAddress? {
        lock.withLock {
            if let local {
                return streamListeners.first { $0.address.proto == target.proto && $0.address.host == local.host
                                               && $0.address.port == local.port }?.address
                    ?? streamListeners.first { $0.address.proto == target.proto && Self.isWildcard($0.address.host)
                                               && $0.address.port == local.port && $0.isIPv6 == local.isIPv6 }?.address
            }
            let wanted = target.address.isIPv6
            return streamListeners.first { $0.address.proto == target.proto && $0.isIPv6 == wanted }?.address
        }
    }

    /// True when `host`:`port` (a Via sent-by as written) is one of the bound sockets'
    /// addresses: the quick test that a reply's top Via is ours.
    public func isListening(host: ArraySlice<UInt8>, port: Int) -> Bool {
        lock.withLock {
            for socket in udpSockets where socket.address.port == port && socket.address.host.utf8.elementsEqual(host) {
                return true
            }
            for entry in streamListeners where entry.address.port == port && entry.address.host.utf8.elementsEqual(host) {
                return true
            }
            return false
        }
    }

    static func isWildcard(_ host: String) -> Bool { host == "0.0.0.0" || host == "::" }

    // MARK: streams

    private func sendStream(_ bytes: [UInt8], to target: SendTarget, from local: ListenAddress?,
                            behaviour: SendBehaviour, connectionID: Int?) -> Bool {
        if let connectionID, let entry = connections.entry(id: connectionID), write(bytes, on: entry, behaviour) {
            return true
        }
        if let entry = connections.entry(for: target) {
            if write(bytes, on: entry, behaviour) { return true }
            connections.forget(entry)
        }
        guard !behaviour.contains(.noConnect) else { return false }
        guard let pipeline = lock.withLock({ streams }),
              let listen = streamListener(toward: target, from: local),
              let peer = try? SocketAddress(ipAddress: target.address.ip, port: target.address.port)
        else { return false }
        let id = connections.makeID()
        let promise = pipeline.group.next().makePromise(of: Channel.self)
        let entry = connections.claimConnecting(target, id: id, future: promise.futureResult)
        if entry.id == id {
            connect(to: peer, target: target, id: id, listen: listen, pipeline: pipeline, promise: promise)
        } else {
            promise.fail(ChannelError.alreadyClosed)
        }
        return write(bytes, on: entry, behaviour)
    }

    private func connect(to peer: SocketAddress, target: SendTarget, id: Int, listen: ListenAddress,
                         pipeline: StreamPipeline, promise: EventLoopPromise<Channel>) {
        let local = SocketAddressText(ip: listen.host, port: listen.port, isIPv6: listen.isIPv6)
        let table = connections
        ClientBootstrap(group: pipeline.group)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try pipeline.install(on: channel, proto: target.proto, local: local,
                                         connection: .outbound(id: id, target: target))
                }
            }
            .connect(to: peer)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    promise.succeed(channel)
                case .failure(let error):
                    table.closed(id: id, target: target)
                    promise.fail(error)
                }
            }
    }

    /// Writes on an entry's connection; false when it is closed (so the caller connects anew).
    private func write(_ bytes: [UInt8], on entry: StreamConnectionTable.Entry, _ behaviour: SendBehaviour) -> Bool {
        switch entry.state {
        case .open(let channel):
            guard channel.isActive else { return false }
            Self.write(bytes, on: channel, behaviour)
            return true
        case .connecting(let future):
            future.whenSuccess { channel in Self.write(bytes, on: channel, behaviour) }
            return true
        }
    }

    private static func write(_ bytes: [UInt8], on channel: Channel, _ behaviour: SendBehaviour) {
        let written = channel.writeAndFlush(ByteBuffer(bytes: bytes))
        if behaviour.contains(.closeAfter) {
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
