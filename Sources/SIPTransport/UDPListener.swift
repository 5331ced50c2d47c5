#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Atomics
import SIPCore

/// `children` receiver threads blocking on one shared UDP socket, each running the routing
/// inline and answering from the same socket. One socket rather than one SO_REUSEPORT socket
/// per thread: the kernel would pin a peer to one socket, so one busy trunk would use one
/// core and one blocked script would stall that peer.
public final class UDPListener: @unchecked Sendable {
    public let address: ListenAddress
    /// Shared with the send path, which sends forwarded messages from it.
    let socket: UDPSocket
    private var threads: [WorkerThread] = []
    private let stopping = ManagedAtomic<Bool>(false)
    private let maxDatagram = 65_535

    public init(address: ListenAddress, receiveBufferBytes: Int? = nil) throws {
        self.socket = try UDPSocket(binding: address, receiveBufferBytes: receiveBufferBytes)
        var bound = address
        bound.port = socket.boundPort
        self.address = bound
    }

    public func start(children: Int, factory: InboundWorkerFactory) throws {
        for child in 0..<max(1, children) {
            let worker = factory.makeWorker(role: .udpReceiver(child: child, socket: address.description))
            let thread = WorkerThread(name: "udp-\(child)") { [self] in receiveLoop(worker) }
            try thread.start()
            threads.append(thread)
        }
    }

    private func receiveLoop(_ worker: InboundWorker) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maxDatagram, alignment: 8)
        defer { buffer.deallocate() }
        let local = SocketAddressText(ip: address.host, port: address.port, isIPv6: address.isIPv6)
        // Under load most datagrams come from the same trunk or proxy, so the text of the
        // last peer is kept and reused while the raw address bytes are unchanged.
        var lastPeer = sockaddr_storage()
        var lastPeerLength: socklen_t = 0
        var lastPeerText: SocketAddressText?
        // The reply channel is immutable, so the last peer's is reused too: one allocation
        // less per datagram.
        var lastReplyChannel: UDPReplyChannel?
        while !stopping.load(ordering: .relaxed) {
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(socket.descriptor, buffer.baseAddress, maxDatagram, 0, $0, &peerLength)
                }
            }
            if received < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if stopping.load(ordering: .relaxed) { break }
                continue
            }
            // A shut-down socket reads as 0 bytes; an empty datagram is meaningless anyway.
            if received == 0 { continue }
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: buffer[0..<received]))
            let source: SocketAddressText
            let channel: UDPReplyChannel
            if let cached = lastPeerText, let cachedChannel = lastReplyChannel, peerLength == lastPeerLength,
               Self.sameAddressBytes(&peer, &lastPeer, length: Int(peerLength)) {
                source = cached
                channel = cachedChannel
            } else {
                source = POSIXAddress.text(of: &peer)
                channel = UDPReplyChannel(socket: socket, peer: peer, peerLength: peerLength)
                lastPeer = peer
                lastPeerLength = peerLength
                lastPeerText = source
                lastReplyChannel = channel
            }
            let receive = ReceiveInfo(proto: .udp, source: source, local: local, reply: channel)
            _ = worker.handle(bytes, from: receive)
        }
    }

    @inline(__always) private static func sameAddressBytes(
        _ a: inout sockaddr_storage, _ b: inout sockaddr_storage, length: Int
    ) -> Bool {
        let bounded = min(length, MemoryLayout<sockaddr_storage>.size)
        return withUnsafeBytes(of: &a) { left in
            withUnsafeBytes(of: &b) { right in
                guard let l = left.baseAddress, let r = right.baseAddress else { return false }
                return memcmp(l, r, bounded) == 0
            }
        }
    }

    /// Stops receiving and waits for every thread to finish the message it is handling.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        socket.shutdownReceivers()
        for thread in threads { thread.join() }
        threads.removeAll()
    }
}
