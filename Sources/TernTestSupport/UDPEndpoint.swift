#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP socket bound on 127.0.0.1 that sends raw datagrams and collects what comes back.
public final class UDPEndpoint {
    /// Large enough for a 65,507-byte datagram and a burst of replies.
    private static let bufferSize: Int32 = 1 << 20
    private static let maxDatagram = 65_535

    public let localPort: UInt16
    private var fd: Int32

    /// Binds 127.0.0.1:`port`; 0 lets the kernel choose.
    public init(port: UInt16 = 0) throws {
        let fd = try LoopbackSocket.make(type: LoopbackSocket.datagram)
        do {
            LoopbackSocket.setOption(fd, level: SOL_SOCKET, name: SO_SNDBUF, value: Self.bufferSize)
            LoopbackSocket.setOption(fd, level: SOL_SOCKET, name: SO_RCVBUF, value: Self.bufferSize)
            self.localPort = try LoopbackSocket.bindLoopback(fd, port: port)
            self.fd = fd
        } catch {
            _ = closeDescriptor(fd)
            throw error
        }
    }

    deinit { close() }

    public func close() {
        if fd >= 0 {
            _ = closeDescriptor(fd)
            fd = -1
        }
    }

    /// Sends `bytes` as one datagram to 127.0.0.1:`port`.
    public func send(_ bytes: [UInt8], to port: UInt16) throws {
        var addr = LoopbackSocket.address(port: port)
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0,
                           socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == bytes.count else { throw SystemCallError("sendto 127.0.0.1:\(port)") }
    }

    /// The next datagram, or nil when none arrives within `timeout`.
    public func receive(timeout: Duration) throws -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: Self.maxDatagram)
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, LoopbackSocket.wait(fd, timeout: left) else { return nil }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return Array(buffer[0..<n]) }
            // An ICMP "port unreachable" from an earlier send surfaces as ECONNREFUSED: not data.
            let code = currentErrno()
            if code != ECONNREFUSED && code != EINTR { throw SystemCallError("recv", errno: code) }
        }
    }

    /// The next datagram that parses as a SIP reply and passes `accept`, skipping others,
    /// or nil when none arrives within `timeout`.
    public func receiveReply(timeout: Duration, where accept: (SIPReply) -> Bool = { _ in true }) throws -> SIPReply? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, let datagram = try receive(timeout: left) else { return nil }
            if let reply = SIPReply(bytes: datagram), accept(reply) { return reply }
        }
    }

    /// Everything that arrives within `window` (used to show nothing came back).
    public func drain(for window: Duration) throws -> [[UInt8]] {
        let deadline = ContinuousClock.now + window
        var datagrams: [[UInt8]] = []
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, let datagram = try receive(timeout: left) else { return datagrams }
            datagrams.append(datagram)
        }
    }
}
