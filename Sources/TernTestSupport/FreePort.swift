#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Picks loopback ports that are free for both UDP and TCP at the moment of asking.
///
/// The port is released before the server binds it, so another process could take it in
/// between; `TernProcess` retries with a new port when the server reports the address in use.
/// Ports already handed out in this test process are never handed out again, so parallel tests
/// do not race each other for the same number.
public enum FreePort {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handedOut: Set<UInt16> = []

    /// A port on 127.0.0.1 that both a UDP and a TCP socket could bind just now.
    public static func udpAndTCP() throws -> UInt16 {
        try pick { port in try canBind(port: port, type: LoopbackSocket.stream) }
    }

    /// A port on 127.0.0.1 that a UDP socket could bind just now.
    public static func udp() throws -> UInt16 {
        try pick { _ in true }
    }

    private static func pick(alsoFree: (UInt16) throws -> Bool) throws -> UInt16 {
        var lastError: Error = SystemCallError("bind", errno: EADDRINUSE)
        for _ in 0..<50 {
            do {
                let fd = try LoopbackSocket.make(type: LoopbackSocket.datagram)
                defer { close(fd) }
                let port = try LoopbackSocket.bindLoopback(fd, port: 0)
                guard try alsoFree(port), claim(port) else { continue }
                return port
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func canBind(port: UInt16, type: Int32) throws -> Bool {
        let fd = try LoopbackSocket.make(type: type)
        defer { close(fd) }
        return (try? LoopbackSocket.bindLoopback(fd, port: port)) != nil
    }

    private static func claim(_ port: UInt16) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return handedOut.insert(port).inserted
    }
}
