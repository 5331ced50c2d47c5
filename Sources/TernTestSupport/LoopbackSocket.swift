#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX socket calls for 127.0.0.1, shared by the UDP and TCP test clients and `FreePort`.
/// Tests only ever talk to the loopback address, so nothing here accepts another host.
enum LoopbackSocket {
    #if canImport(Glibc)
    static let datagram = Int32(SOCK_DGRAM.rawValue)
    static let stream = Int32(SOCK_STREAM.rawValue)
    #else
    static let datagram = SOCK_DGRAM
    static let stream = SOCK_STREAM
    #endif

    /// A new socket that is not inherited by the servers the tests spawn.
    static func make(type: Int32) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, type, 0)
        #endif
        guard fd >= 0 else { throw SystemCallError("socket") }
        return fd
    }

    static func address(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return addr
    }

    /// Binds to 127.0.0.1:port (0 = the kernel picks) and returns the bound port.
    static func bindLoopback(_ fd: Int32, port: UInt16) throws -> UInt16 {
        var addr = address(port: port)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw SystemCallError("bind 127.0.0.1:\(port)") }
        return try localPort(fd)
    }

    static func localPort(_ fd: Int32) throws -> UInt16 {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { throw SystemCallError("getsockname") }
        return UInt16(bigEndian: addr.sin_port)
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) {
        var v = value
        _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits until `fd` is readable (or writable) or the timeout passes; true when ready.
    static func wait(_ fd: Int32, forWriting: Bool = false, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            let ms = max(0, left.milliseconds)
            var p = pollfd(fd: fd, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
            let rc = poll(&p, 1, Int32(clamping: ms))
            if rc > 0 { return true }
            if rc == 0 { return false }
            if currentErrno() != EINTR { return false }
        }
    }
}

/// `close(2)`, callable from types that have a `close()` method of their own.
func closeDescriptor(_ fd: Int32) -> Int32 {
    close(fd)
}

extension Duration {
    /// Whole milliseconds, rounded up so a short positive wait never becomes zero.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }

    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
