#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// How a child process ended.
public enum ExitStatus: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// A spawned program whose stdout and stderr go to files. It is always reaped: `wait` and
/// `terminate` collect its status, and if neither ran, deinit kills and reaps it, so no test
/// leaves a process behind even when it fails half-way.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    public let executable: String
    public let arguments: [String]
    public let stdoutPath: String
    public let stderrPath: String

    private let lock = NSLock()
    private var status: ExitStatus?

    /// Starts `executable` with `arguments` (not including argv[0]); stdin is /dev/null.
    /// `environment` adds to (or replaces entries of) the test runner's environment.
    public init(executable: String, arguments: [String], workingDirectory: String? = nil,
                stdoutPath: String, stderrPath: String, environment: [String: String] = [:]) throws {
        self.executable = executable
        self.arguments = arguments
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let workingDirectory {
            guard let addChdir = Self.addChdir else {
                throw SystemCallError("posix_spawn_file_actions_addchdir_np", errno: ENOSYS)
            }
            _ = addChdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal handling and nothing blocked, whatever the test
        // runner set up for itself (a blocked SIGTERM would make every stop test hang).
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc: Int32
        if environment.isEmpty {
            rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        } else {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup($0.key + "=" + $0.value) } + [nil]
            defer { envp.forEach { free($0) } }
            rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        }
        guard rc == 0 else { throw SystemCallError("posix_spawn \(executable)", errno: rc) }
        self.pid = child
    }

    /// glibc >= 2.29 and macOS have it, but Swift's Glibc module does not import it.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && currentErrno() == EINTR {}
        }
    }

    /// The exit status if the process has ended (reaping it), nil while it runs.
    @discardableResult
    public func poll() -> ExitStatus? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        guard rc == pid else { return nil }
        status = Self.decode(raw)
        return status
    }

    public var isRunning: Bool { poll() == nil }

    /// Waits up to `timeout` for the process to end.
    public func wait(timeout: Duration) -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = poll() { return status }
            if ContinuousClock.now >= deadline { return nil }
            sleepFor(.milliseconds(10))
        }
    }

    public func signal(_ signal: Int32) {
        if poll() == nil { kill(pid, signal) }
    }

    /// Sends `signal`, waits up to `grace`, then SIGKILLs. Returns the status and whether
    /// SIGKILL was needed.
    public func terminate(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) -> (status: ExitStatus, killed: Bool) {
        if let status = poll() { return (status, false) }
        kill(pid, signal)
        if let status = wait(timeout: grace) { return (status, false) }
        kill(pid, SIGKILL)
        if let status = wait(timeout: .seconds(10)) { return (status, true) }
        // Unkillable within 10 s (a stuck kernel call): block until it goes, never leak it.
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && currentErrno() == EINTR {}
        return (Self.decode(raw), true)
    }

    public var standardOutput: String { Self.read(stdoutPath) }
    public var standardError: String { Self.read(stderrPath) }

    static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decode(_ raw: Int32) -> ExitStatus {
        let signal = raw & 0x7F
        return signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
    }
}

/// Runs a program to completion with a hard time bound; the result of a one-shot command.
public struct CommandResult: CustomStringConvertible {
    public let status: ExitStatus
    public let standardOutput: String
    public let standardError: String
    /// True when the time bound ran out and the process was killed.
    public let timedOut: Bool

    public var combinedOutput: String { standardOutput + standardError }

    public var description: String {
        "\(status)\(timedOut ? " (timed out, killed)" : "")\n--- stdout ---\n\(standardOutput)--- stderr ---\n\(standardError)"
    }
}

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String) throws {
        let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array((base + "\(prefix).XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemCallError("mkdtemp")
        }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }
}

extension ChildProcess {
    /// Runs to completion (SIGKILL after `timeout`) and returns status and output.
    public static func run(executable: String, arguments: [String], workingDirectory: String? = nil,
                           timeout: Duration = .seconds(20)) throws -> CommandResult {
        let scratch = try TemporaryDirectory(prefix: "tern-run")
        let child = try ChildProcess(executable: executable, arguments: arguments,
                                     workingDirectory: workingDirectory,
                                     stdoutPath: scratch.file("stdout"), stderrPath: scratch.file("stderr"))
        var timedOut = false
        let status: ExitStatus
        if let finished = child.wait(timeout: timeout) {
            status = finished
        } else {
            timedOut = true
            status = child.terminate(signal: SIGKILL, grace: .seconds(5)).status
        }
        return CommandResult(status: status, standardOutput: child.standardOutput,
                             standardError: child.standardError, timedOut: timedOut)
    }
}
