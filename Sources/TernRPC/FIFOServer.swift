#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import TernRuntime

/// Where and how a management FIFO is created (core `fifo`, mi_fifo, jsonrpcs, ctl's `fifo`).
public struct FIFOServerConfiguration: Sendable {
    public var path: String
    public var mode: mode_t = 0o660
    public var user: String?
    public var group: String?
    /// Where relative reply FIFO names live.
    public var replyDirectory = "/tmp/"
    /// A larger request is refused and skipped (its client gets `400 request too large`).
    public var maximumRequestBytes = 1 << 20
    /// A request left half-written this long is refused.
    public var idleTimeoutMilliseconds = 2000
    public var prettyJSON = true
    /// How `ps` names the reader thread.
    public var role = "FIFO server"

    public init(path: String) {
        self.path = path
    }
}

/// A management FIFO: one thread reads requests from the pipe (SER text and JSON-RPC), runs
/// them in order, and hands answers to reply writers, so no client can stall it.
public final class FIFOServer: @unchecked Sendable {
    public let configuration: FIFOServerConfiguration
    private let runner: ManagementRequestRunner
    private let logger: Logger
    private var readFD: Int32 = -1
    private var keepOpenFD: Int32 = -1
    private var wakePipe: [Int32] = [-1, -1]
    private var thread: ServiceThread?
    private var replies: ReplyQueue?
    private var fifoIdentity: (dev: UInt64, ino: UInt64)?

    public init(configuration: FIFOServerConfiguration, registry: RPCRegistry, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.runner = ManagementRequestRunner(registry: registry, logger: logger, prettyJSON: configuration.prettyJSON)
    }

    /// Creates the FIFO (replacing a stale FIFO at the path, refusing anything else) and
    /// starts reading it.
    public func start() throws(ConfigurationError) {
        let path = configuration.path
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFIFO else {
                throw ConfigurationError("FIFO \(path) exists and is not a FIFO; remove it or choose another name")
            }
            unlink(path)
        }
        guard mkfifo(path, configuration.mode) == 0 else {
            throw ConfigurationError("cannot create FIFO \(path): \(errnoText())")
        }
        // mkfifo honours the umask; the configured mode is what the operator asked for.
        chmod(path, configuration.mode)
        if let problem = FileOwnership.apply(path: path, user: configuration.user, group: configuration.group) {
            unlink(path)
            throw ConfigurationError("FIFO \(path): \(problem)")
        }
        readFD = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        // Holding a write end of our own keeps the pipe from reporting end-of-file each
        // time a client closes, so poll() sleeps until the next request.
        keepOpenFD = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard readFD >= 0, keepOpenFD >= 0, pipe(&wakePipe) == 0 else {
            let reason = errnoText()
            closeDescriptors()
            unlink(path)
            throw ConfigurationError("cannot open FIFO \(path): \(reason)")
        }
        if fstat(readFD, &info) == 0 { fifoIdentity = (UInt64(info.st_dev), UInt64(info.st_ino)) }
        replies = ReplyQueue(writers: 4)
        let reader = ServiceThread { [self] in readLoop() }
        guard reader.start() else {
            replies?.stop()
            closeDescriptors()
            unlink(path)
            throw ConfigurationError("cannot start the FIFO reader for \(path)")
        }
        thread = reader
        logger.info("management FIFO listening at \(path)")
    }

    public func stop() {
        guard let thread else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe[1], &byte, 1)
        thread.join()
        self.thread = nil
        replies?.stop()
        replies = nil
        closeDescriptors()
        // Remove the FIFO only if it is still ours (a newer server may have replaced it).
        var info = stat()
        if let fifoIdentity, lstat(configuration.path, &info) == 0,
           UInt64(info.st_dev) == fifoIdentity.dev, UInt64(info.st_ino) == fifoIdentity.ino {
            unlink(configuration.path)
        }
    }

    private func closeDescriptors() {
        for fd in [readFD, keepOpenFD, wakePipe[0], wakePipe[1]] where fd >= 0 { close(fd) }
        readFD = -1
        keepOpenFD = -1
        wakePipe = [-1, -1]
    }

    private func readLoop() {
        var scanner = ManagementRequestScanner(maximumRequestBytes: configuration.maximumRequestBytes)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var descriptors = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)]
            let timeout = scanner.hasPending ? Int32(configuration.idleTimeoutMilliseconds) : -1
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.error("management FIFO \(configuration.path): poll failed: \(errnoText())")
                return
            }
            if descriptors[1].revents != 0 { return }
            if ready == 0 {
                handle(scanner.expire())
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if count > 0 {
                handle(scanner.feed(buffer[0..<count]))
            } else if count < 0, errno != EAGAIN, errno != EINTR {
                logger.error("management FIFO \(configuration.path): read failed: \(errnoText())")
                return
            }
        }
    }

    private func handle(_ events: [ManagementRequestScanner.Event]) {
        let replyFIFO = ReplyFIFO(directory: configuration.replyDirectory)
        let logger = self.logger
        for event in events {
            runner.run(event) { [replies] answer in
                guard let name = answer.replyName else {
                    if answer.text.hasPrefix("{") { logger.warning("JSON-RPC request on the FIFO without reply_name: its answer is dropped") }
                    return
                }
                let submitted = replies?.submit {
                    if let failure = replyFIFO.write(answer.text, to: name) {
                        logger.warning("management reply not delivered: \(failure)")
                    }
                } ?? false
                if !submitted { logger.warning("management reply to '\(name)' dropped: too many replies waiting") }
            }
        }
    }
}

/// chown for the management files (`fifo_user`, `fifo_group`, ctl's `user`/`group`).
enum FileOwnership {
    /// nil when done; otherwise what went wrong.
    static func apply(path: String, user: String?, group: String?) -> String? {
        guard user != nil || group != nil else { return nil }
        var uid = uid_t.max
        var gid = gid_t.max
        if let user {
            if let number = UInt32(user) { uid = number } else if let entry = getpwnam(user) { uid = entry.pointee.pw_uid } else { return "unknown user '\(user)'" }
        }
        if let group {
            if let number = UInt32(group) { gid = number } else if let entry = getgrnam(group) { gid = entry.pointee.gr_gid } else { return "unknown group '\(group)'" }
        }
        guard chown(path, uid, gid) == 0 else { return "cannot change owner: \(errnoText())" }
        return nil
    }
}
