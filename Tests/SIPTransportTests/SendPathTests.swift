// The send path on loopback: UDP from the listening socket, socket choice by family and by
// forced address, and TCP connections opened on demand, reused, routed to the workers when
// the peer answers on them, and replaced when the peer has closed them.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOPosix
import SIPCore
import Testing
@testable import SIPTransport

/// Records the messages workers were handed, with how they arrived.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(bytes: [UInt8], receive: ReceiveInfo)] = []
    func add(_ bytes: [UInt8], _ receive: ReceiveInfo) { lock.lock(); items.append((bytes, receive)); lock.unlock() }
    var all: [(bytes: [UInt8], receive: ReceiveInfo)] { lock.lock(); defer { lock.unlock() }; return items }

    func wait(for count: Int, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if all.count >= count { return true }
            usleep(10_000)
        }
        return all.count >= count
    }
}

private struct RecordingFactory: InboundWorkerFactory {
    let received: Received
    func makeWorker(role: WorkerRole) -> InboundWorker { RecordingWorker(received: received) }
}

private final class RecordingWorker: InboundWorker {
    let received: Received
    init(received: Received) { self.received = received }
    func handle(_ bytes: [UInt8], from receive: ReceiveInfo) -> Bool {
        received.add(bytes, receive)
        return true
    }
}

/// A plain socket on 127.0.0.1 standing for the peer.
private struct PeerSocket {
    let fd: Int32
    let port: Int

    init(type: Int32) throws {
        let descriptor = socket(AF_INET, type, 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard rc == 0 else { close(descriptor); throw PeerError() }
        if type == Int32(SOCK_STREAM.rawValue) { listen(descriptor, 4) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        fd = descriptor
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    static func readable(_ fd: Int32, timeout: Duration) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)) == 1
    }

    static func read(_ fd: Int32, timeout: Duration) -> [UInt8]? {
        guard readable(fd, timeout: timeout) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer[0 ..< n]) : nil
    }

    func accept(timeout: Duration) -> Int32? {
        guard Self.readable(fd, timeout: timeout) else { return nil }
        let client = Glibc.accept(fd, nil, nil)
        return client >= 0 ? client : nil
    }

    struct PeerError: Error {}
}

@Suite struct SendPathTests {
    static let message = Array("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n".utf8)

    @Test func udpLeavesFromTheListeningSocket() throws {
        let path = SendPath()
        let listener = try UDPListener(address: ListenAddress(proto: .udp, host: "127.0.0.1", port: 0))
        path.register(listener)
        let peer = try PeerSocket(type: Int32(SOCK_DGRAM.rawValue))
        defer { close(peer.fd) }
        let target = SendTarget(proto: .udp, address: SocketAddressText(ip: "127.0.0.1", port: peer.port))
        #expect(path.localAddress(toward: target) == listener.address)
        #expect(path.send(Self.message, to: target))
        var from = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        #expect(PeerSocket.readable(peer.fd, timeout: .seconds(10)))
        var buffer = [UInt8](repeating: 0, count: 2048)
        let n = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(peer.fd, raw.baseAddress, raw.count, 0, $0, &length) } }
        }
        #expect(n == Self.message.count)
        #expect(Int(UInt16(bigEndian: from.sin_port)) == listener.address.port)
    }

    @Test func socketChoice() throws {
        let path = SendPath()
        let first = try UDPListener(address: ListenAddress(proto: .udp, host: "127.0.0.1", port: 0))
        let second = try UDPListener(address: ListenAddress(proto: .udp, host: "127.0.0.1", port: 0))
        path.register(first)
        path.register(second)
        let v4 = SendTarget(proto: .udp, address: SocketAddressText(ip: "192.0.2.1", port: 5060))
        #expect(path.localAddress(toward: v4) == first.address)
        #expect(path.localAddress(toward: v4, from: second.address) == second.address)
        // No IPv6 socket, no TCP listener: nothing to send from.
        #expect(path.localAddress(toward: SendTarget(proto: .udp, address: SocketAddressText(ip: "2001:db8::1", port: 5060))) == nil)
        #expect(path.localAddress(toward: SendTarget(proto: .tcp, address: v4.address)) == nil)
        #expect(!path.send(Self.message, to: SendTarget(proto: .tcp, address: v4.address)))
    }

    @Test func wildcardSocketsSendFromTheRoutedAddress() {
        #expect(SourceAddressProbe().source(toward: SocketAddressText(ip: "127.0.0.1", port: 5060)) == "127.0.0.1")
    }

    @Test func tcpConnectionsAreOpenedReusedRoutedAndReplaced() throws {
        let received = Received()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = MessageWorkerPool()
        try pool.start(children: 1, factory: RecordingFactory(received: received))
        let path = SendPath()
        let listener = TCPListener(address: ListenAddress(proto: .tcp, host: "127.0.0.1", port: 0), group: group)
        try listener.start(pool: pool, settings: StreamSettings(), sendPath: path) { _, _, _ in }
        defer {
            listener.stop()
            path.removeAll()
            pool.stop()
            try? group.syncShutdownGracefully()
        }
        let peer = try PeerSocket(type: Int32(SOCK_STREAM.rawValue))
        defer { close(peer.fd) }
        let target = SendTarget(proto: .tcp, address: SocketAddressText(ip: "127.0.0.1", port: peer.port))
        #expect(path.localAddress(toward: target) == listener.address)

        // Opened on demand; the second message takes the same connection.
        #expect(path.send(Self.message, to: target))
        let connection = try #require(peer.accept(timeout: .seconds(10)))
        #expect(path.send(Self.message, to: target))
        var got: [UInt8] = []
        while got.count < 2 * Self.message.count, let more = PeerSocket.read(connection, timeout: .seconds(10)) { got += more }
        #expect(got == Self.message + Self.message)
        #expect(peer.accept(timeout: .milliseconds(200)) == nil)
        #expect(path.streamConnectionCount == 1)

        // What the peer sends back on it reaches the workers, as from that peer.
        _ = Self.message.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
        #expect(received.wait(for: 1, timeout: .seconds(10)))
        #expect(received.all.first?.receive.source.port == peer.port)
        #expect(received.all.first?.receive.proto == .tcp)

        // Once the peer closed it, the next send opens a new one.
        close(connection)
        let deadline = ContinuousClock.now + .seconds(10)
        while path.streamConnectionCount > 0 && ContinuousClock.now < deadline { usleep(10_000) }
        #expect(path.send(Self.message, to: target))
        let again = try #require(peer.accept(timeout: .seconds(10)))
        defer { close(again) }
        #expect(PeerSocket.read(again, timeout: .seconds(10)) == Self.message)

        // With no-connect nothing is opened when no connection is left.
        close(again)
        while path.streamConnectionCount > 0 && ContinuousClock.now < deadline + .seconds(3) { usleep(10_000) }
        #expect(!path.send(Self.message, to: target, from: nil, behaviour: .noConnect, connectionID: nil))
        #expect(peer.accept(timeout: .milliseconds(300)) == nil)
    }
}
