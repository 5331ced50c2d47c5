#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection to 127.0.0.1 for raw stream tests: write in chunks, read replies framed by
/// Content-Length, and tell a closed connection from a silent one. Every wait is bounded.
public final class TCPConnection {
    public enum WriteOutcome: Equatable {
        case complete
        /// The peer closed or reset the connection after `written` bytes.
        case peerClosed(written: Int)
        /// The peer stopped reading: nothing could be written for the whole timeout.
        case stalled(written: Int)
    }

    public enum ReadOutcome {
        case reply(SIPReply)
        /// The peer closed (or reset) the connection before a whole reply arrived.
        case closed
        case timedOut
    }

    public let localPort: UInt16
    private var fd: Int32
    /// Bytes received and not yet returned as a reply.
    public private(set) var pending: [UInt8] = []
    /// True once the peer has closed or reset the connection.
    public private(set) var peerClosed = false

    /// Connects to 127.0.0.1:`port`.
    public init(port: UInt16, timeout: Duration = .seconds(2)) throws {
        let fd = try LoopbackSocket.make(type: LoopbackSocket.stream)
        LoopbackSocket.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        var addr = LoopbackSocket.address(port: port)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let error = SystemCallError("connect 127.0.0.1:\(port)")
            _ = closeDescriptor(fd)
            throw error
        }
        // Non-blocking from here on: every wait goes through poll with a deadline.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        self.localPort = (try? LoopbackSocket.localPort(fd)) ?? 0
    }

    deinit { close() }

    public func close() {
        if fd >= 0 {
            _ = closeDescriptor(fd)
            fd = -1
        }
    }

    /// Writes `bytes`, in pieces of `chunkSize` with `pause` between them when given (to make
    /// the server see a message arrive in many reads).
    @discardableResult
    public func write(_ bytes: [UInt8], chunkSize: Int? = nil, pause: Duration? = nil,
                      timeout: Duration = .seconds(5)) -> WriteOutcome {
        let step = max(1, chunkSize ?? bytes.count)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            if let stop = writeAll(bytes, from: offset, to: end, timeout: timeout) { return stop }
            offset = end
            if let pause, offset < bytes.count { sleepFor(pause) }
        }
        return .complete
    }

    private func writeAll(_ bytes: [UInt8], from start: Int, to end: Int, timeout: Duration) -> WriteOutcome? {
        var offset = start
        while offset < end {
            let n = bytes.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + offset, end - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
                continue
            }
            let code = currentErrno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                if !LoopbackSocket.wait(fd, forWriting: true, timeout: timeout) {
                    return .stalled(written: offset)
                }
                continue
            }
            peerClosed = true
            return .peerClosed(written: offset)
        }
        return nil
    }

    /// Reads whatever arrives next into `pending`; false on timeout or when the peer closed.
    @discardableResult
    public func readMore(timeout: Duration) -> Bool {
        guard !peerClosed else { return false }
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, LoopbackSocket.wait(fd, timeout: left) else { return false }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                pending.append(contentsOf: buffer[0..<n])
                return true
            }
            if n < 0 {
                let code = currentErrno()
                if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
            }
            peerClosed = true   // 0 = orderly close; ECONNRESET and friends = reset
            return false
        }
    }

    /// The next complete SIP reply (framed by its Content-Length, 0 when absent).
    public func readReply(timeout: Duration) -> ReadOutcome {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (reply, used) = SIPReply.frame(pending) {
                pending.removeFirst(used)
                return .reply(reply)
            }
            let left = ContinuousClock.now.duration(to: deadline)
            if peerClosed { return .closed }
            guard left > .zero else { return .timedOut }
            if !readMore(timeout: left) && !peerClosed { return .timedOut }
        }
    }

    /// Exactly `count` bytes from the stream, or nil when they do not arrive in time.
    public func readBytes(_ count: Int, timeout: Duration) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while pending.count < count {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, readMore(timeout: left) else { return nil }
        }
        let bytes = Array(pending[0..<count])
        pending.removeFirst(count)
        return bytes
    }

    /// Reads (and keeps in `pending`) until the peer closes; true when it did within `timeout`.
    public func waitForClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !peerClosed {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            _ = readMore(timeout: left)
        }
        return true
    }
}

func sleepFor(_ duration: Duration) {
    let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    usleep(UInt32(clamping: micros))
}
