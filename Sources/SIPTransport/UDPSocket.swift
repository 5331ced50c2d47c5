#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore

/// A bound UDP socket shared by all receiver threads of one listen address. recvfrom and
/// sendto on one descriptor are safe from several threads at once.
final class UDPSocket: @unchecked Sendable {
    let descriptor: Int32
    let address: ListenAddress
    /// `address.isIPv6`, kept so choosing a socket per send does not scan the text.
    let isIPv6: Bool
    let isWildcard: Bool

    init(binding address: ListenAddress, receiveBufferBytes: Int?) throws {
        guard let (storage, length) = POSIXAddress.make(host: address.host, port: address.port) else {
            throw TransportError("listen \(address): '\(address.host)' is not a numeric IP address")
        }
        let family = Int32(storage.ss_family)
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(family, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw TransportError("listen \(address): socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        Self.enlargeReceiveBuffer(fd, to: receiveBufferBytes ?? Self.defaultReceiveBuffer)
        var bound = storage
        let rc = withUnsafePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TransportError("listen \(address): bind(): \(reason)")
        }
        self.descriptor = fd
        // The address as bound: the kernel's port when the config asked for 0.
        var actual = address
        actual.port = Self.localPort(of: fd)
        self.address = actual
        self.isIPv6 = Int32(storage.ss_family) == AF_INET6
        self.isWildcard = address.host == "0.0.0.0" || address.host == "::"
    }

    /// SIPp and trunks send in bursts; a datagram that finds the queue full is lost and
    /// costs a 500 ms retransmission. The kernel default (~208 KiB, a few hundred small
    /// datagrams on loopback) overflows long before the workers run out of CPU.
    static let defaultReceiveBuffer = 4 << 20

    /// SO_RCVBUFFORCE passes rmem_max when the process may (root, CAP_NET_ADMIN); otherwise
    /// SO_RCVBUF gets as much as rmem_max allows.
    private static func enlargeReceiveBuffer(_ fd: Int32, to bytes: Int) {
        var size = Int32(clamping: bytes)
        let length = socklen_t(MemoryLayout<Int32>.size)
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, length) == 0 { return }
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, length)
    }

    /// Actual bound port (the configured one, or the kernel's choice for port 0).
    var boundPort: Int { address.port }

    private static func localPort(of descriptor: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return POSIXAddress.text(of: &storage).port
    }

    @discardableResult
    func send(_ bytes: [UInt8], to peer: UnsafePointer<sockaddr_storage>, length: socklen_t) -> Bool {
        bytes.withUnsafeBytes { raw in
            peer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, raw.baseAddress, raw.count, 0, $0, length)
            } >= 0
        }
    }

    /// Wakes every thread blocked in recvfrom (Linux returns 0 from a shut-down UDP socket).
    func shutdownReceivers() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    deinit { close(descriptor) }
}

/// Sends replies back to the datagram's source through the socket it arrived on, so the
/// reply leaves from the listening port as RFC 3261 §18.2.2 expects.
final class UDPReplyChannel: ReplyChannel, @unchecked Sendable {
    private let socket: UDPSocket
    private let peer: sockaddr_storage
    private let peerLength: socklen_t

    init(socket: UDPSocket, peer: sockaddr_storage, peerLength: socklen_t) {
        self.socket = socket
        self.peer = peer
        self.peerLength = peerLength
    }

    func send(_ bytes: [UInt8]) {
        _ = withUnsafePointer(to: peer) { socket.send(bytes, to: $0, length: peerLength) }
    }

    func replacingPort(_ port: Int) -> ReplyChannel? {
        var other = peer
        let networkPort = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        withUnsafeMutablePointer(to: &other) { raw in
            if Int32(raw.pointee.ss_family) == AF_INET6 {
                raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = networkPort }
            } else {
                raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = networkPort }
            }
        }
        return UDPReplyChannel(socket: socket, peer: other, peerLength: peerLength)
    }
}
