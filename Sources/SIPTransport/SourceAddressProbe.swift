#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import SIPCore

/// The local address the kernel would send from toward a peer, for sockets bound to a
/// wildcard address: a connected UDP socket's name (no packet is sent). Cached per peer IP,
/// since routes rarely change under a running server.
final class SourceAddressProbe: @unchecked Sendable {
    private let lock = NIOLock()
    private var cache: [String: String] = [:]

    func source(toward peer: SocketAddressText) -> String? {
        if let known = lock.withLock({ cache[peer.ip] }) { return known }
        guard let found = probe(peer) else { return nil }
        lock.withLock {
            if cache.count > 4096 { cache.removeAll() }
            cache[peer.ip] = found
        }
        return found
    }

    private func probe(_ peer: SocketAddressText) -> String? {
        guard let (storage, length) = POSIXAddress.make(host: peer.ip, port: max(1, peer.port)) else { return nil }
        #if canImport(Glibc)
        let fd = socket(Int32(storage.ss_family), Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(Int32(storage.ss_family), SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var remote = storage
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        guard connected == 0 else { return nil }
        var name = sockaddr_storage()
        var nameLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &name) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &nameLength) }
        }
        guard rc == 0 else { return nil }
        return POSIXAddress.text(of: &name).ip
    }
}
