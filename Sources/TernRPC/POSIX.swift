#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `errno` as text, for log lines.
func errnoText(_ code: Int32 = errno) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

/// Milliseconds on a monotonic clock (timeouts of the management transports).
func monotonicMilliseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
}

/// Writes all of `bytes` to a non-blocking descriptor, waiting for room up to `timeoutMilliseconds`
/// in total. False when the reader went away or stopped reading. Sockets are written with
/// MSG_NOSIGNAL; for pipes the server ignores SIGPIPE.
func writeAll(_ fd: Int32, _ bytes: [UInt8], timeoutMilliseconds: Int, socket: Bool = false) -> Bool {
    let deadline = monotonicMilliseconds() + timeoutMilliseconds
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes {
            socket ? send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) : write(fd, $0.baseAddress, $0.count)
        }
        if written > 0 {
            offset += written
            continue
        }
        if written < 0, errno == EINTR { continue }
        guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return false }
        let remaining = deadline - monotonicMilliseconds()
        guard remaining > 0 else { return false }
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&descriptor, 1, Int32(remaining))
    }
    return true
}

/// A thread of its own for a long-lived loop (FIFO reader, socket acceptor). The management
/// transports block in poll/accept; they must not sit on Swift's cooperative pool.
final class ServiceThread: @unchecked Sendable {
    private var handle: pthread_t?
    private let body: () -> Void

    init(body: @escaping () -> Void) {
        self.body = body
    }

    func start() -> Bool {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<ServiceThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            return false
        }
        handle = thread
        return true
    }

    func join() {
        guard let handle else { return }
        pthread_join(handle, nil)
        self.handle = nil
    }

    /// Starts a detached thread for one short job (a connection, a slow reply).
    static func detach(_ job: @escaping () -> Void) -> Bool {
        let thread = ServiceThread(body: job)
        guard thread.start(), let handle = thread.handle else { return false }
        pthread_detach(handle)
        thread.handle = nil
        return true
    }
}
