#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import SIPCore
import TernRuntime

/// Where the control socket lives and who may use it.
public struct ControlSocketConfiguration: Sendable {
    public var path: String
    /// Only the server's user by default: the socket can reload the config and add contacts.
    public var mode: mode_t = 0o600
    public var user: String?
    public var group: String?
    public var maximumRequestBytes = 1 << 20
    /// A connection idle this long (nothing asked, nothing pending) is closed.
    public var idleTimeoutMilliseconds = 60_000
    public var maximumConnections = 32
    public var prettyJSON = false

    public init(path: String) {
        self.path = path
    }
}

/// JSON-RPC 2.0 (and the SER text protocol) over a Unix stream socket: what ternctl speaks.
/// Requests on one connection are answered in the order their answers come, each answer
/// followed by a newline; a connection has a thread of its own while it is open.
public final class ControlSocketServer: @unchecked Sendable {
    public let configuration: ControlSocketConfiguration
    private let runner: ManagementRequestRunner
    private let logger: Logger
    private var listenFD: Int32 = -1
    private var wakePipe: [Int32] = [-1, -1]
    private var acceptor: ServiceThread?
    private let connections = ConnectionCount()

    public init(configuration: ControlSocketConfiguration, registry: RPCRegistry, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.runner = ManagementRequestRunner(registry: registry, logger: logger, prettyJSON: configuration.prettyJSON, jsonTerminator: "\n")
    }

    public func start() throws(ConfigurationError) {
        let path = configuration.path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw ConfigurationError("control socket path \(path) is longer than \(capacity - 1) bytes")
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw ConfigurationError("control socket \(path) exists and is not a socket")
            }
            unlink(path)   // a stale socket of an earlier run
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        listenFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listenFD >= 0 else { throw ConfigurationError("control socket: \(errnoText())") }
        // Create the socket file with no access for others from the first moment.
        let previousMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previousMask)
        guard bound == 0, listen(listenFD, 64) == 0 else {
            let reason = errnoText()
            close(listenFD)
            listenFD = -1
            throw ConfigurationError("cannot listen on control socket \(path): \(reason)")
        }
        chmod(path, configuration.mode)
        if let problem = FileOwnership.apply(path: path, user: configuration.user, group: configuration.group) {
            close(listenFD)
            listenFD = -1
            unlink(path)
            throw ConfigurationError("control socket \(path): \(problem)")
        }
        guard pipe(&wakePipe) == 0 else { throw ConfigurationError("control socket: \(errnoText())") }
        let thread = ServiceThread { [self] in acceptLoop() }
        guard thread.start() else { throw ConfigurationError("cannot start the control socket thread") }
        acceptor = thread
        logger.info("control socket listening at \(path)")
    }

    public func stop() {
        guard let acceptor else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe[1], &byte, 1)
        acceptor.join()
        self.acceptor = nil
        for fd in [listenFD, wakePipe[0], wakePipe[1]] where fd >= 0 { close(fd) }
        listenFD = -1
        wakePipe = [-1, -1]
        unlink(configuration.path)
    }

    private func acceptLoop() {
        while true {
            var descriptors = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else { return }
            if descriptors[1].revents != 0 { return }
            guard descriptors[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(listenFD, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            guard connections.enter(limit: configuration.maximumConnections) else {
                let refusal = JSONRPCFailure(error: RPCError(code: 503, message: "too many management connections"), id: .null, replyName: nil)
                _ = writeAll(client, Array((refusal.response(pretty: false) + "\n").utf8), timeoutMilliseconds: 100, socket: true)
                close(client)
                continue
            }
            let connection = ControlConnection(fd: client)
            let started = ServiceThread.detach { [self] in
                serve(connection)
                connections.leave()
            }
            if !started {
                connection.close()
                connections.leave()
            }
        }
    }

    private func serve(_ connection: ControlConnection) {
        var scanner = ManagementRequestScanner(maximumRequestBytes: configuration.maximumRequestBytes)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var idleSince = monotonicMilliseconds()
        defer { connection.close() }
        while true {
            var descriptor = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            // A half-written request is given up after a short while, an idle connection later.
            let limit = scanner.hasPending ? 2000 : configuration.idleTimeoutMilliseconds
            let remaining = max(0, limit - (monotonicMilliseconds() - idleSince))
            let ready = poll(&descriptor, 1, Int32(min(remaining, 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready == 0 {
                guard monotonicMilliseconds() - idleSince >= limit else { continue }
                if scanner.hasPending {
                    dispatch(scanner.expire(), on: connection)
                    idleSince = monotonicMilliseconds()
                    continue
                }
                if connection.waitingAnswers == 0 { return }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                // The client closed its side; answers still on their way get a moment.
                connection.awaitAnswers(timeoutMilliseconds: 30_000)
                return
            }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return
            }
            idleSince = monotonicMilliseconds()
            dispatch(scanner.feed(buffer[0..<count]), on: connection)
        }
    }

    private func dispatch(_ events: [ManagementRequestScanner.Event], on connection: ControlConnection) {
        for event in events {
            connection.expectAnswer()
            let willAnswer = runner.run(event) { answer in connection.send(answer.text) }
            if !willAnswer { connection.answerSkipped() }
        }
    }
}

/// One client connection: answers may come from other threads (a command answering when
/// its SIP transaction ends), so writes and closing share a lock.
final class ControlConnection: @unchecked Sendable {
    let fd: Int32
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var closed = false
    private var pending = 0

    init(fd: Int32) {
        self.fd = fd
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    var waitingAnswers: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return pending
    }

    func expectAnswer() {
        pthread_mutex_lock(&mutex)
        pending += 1
        pthread_mutex_unlock(&mutex)
    }

    func answerSkipped() {
        pthread_mutex_lock(&mutex)
        pending -= 1
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }

    func send(_ text: String) {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        pending -= 1
        pthread_cond_broadcast(&condition)
        guard !closed else { return }
        _ = writeAll(fd, Array(text.utf8), timeoutMilliseconds: 5000, socket: true)
    }

    func awaitAnswers(timeoutMilliseconds: Int) {
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while pending > 0, !closed {
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else { return }
            var until = timespec()
            clock_gettime(CLOCK_REALTIME, &until)
            let nanos = Int(until.tv_nsec) + min(remaining, 200) * 1_000_000
            until.tv_sec += nanos / 1_000_000_000
            until.tv_nsec = nanos % 1_000_000_000
            pthread_cond_timedwait(&condition, &mutex, &until)
        }
    }

    func close() {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}

/// How many control connections are open, against the limit.
final class ConnectionCount: @unchecked Sendable {
    private let lock = Lock()
    private var count = 0

    func enter(limit: Int) -> Bool {
        lock.withLock {
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        lock.withLock { count -= 1 }
    }
}
