#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

public enum TernProcessError: Error, CustomStringConvertible {
    case binaryNotFound(String)
    case exitedBeforeReady(ExitStatus, stderr: String)
    case notReady(after: Duration, stderr: String)

    public var description: String {
        switch self {
        case .binaryNotFound(let path):
            return "tern binary not found at \(path) (build it with `swift build`, or set TERN_BINARY)"
        case .exitedBeforeReady(let status, let stderr):
            return "tern exited before answering OPTIONS (\(status)); stderr:\n\(stderr)"
        case .notReady(let after, let stderr):
            return "tern did not answer OPTIONS within \(after); stderr:\n\(stderr)"
        }
    }
}

/// The real `tern` binary running a test config on 127.0.0.1 at a free port.
///
/// The config text may say `{PORT}` wherever the port goes (and `{DIR}` for the temporary
/// directory holding it). `start` returns once the server answers an OPTIONS over UDP. The
/// process is stopped by `stop()`, or killed when the value is released, so a failing test
/// never leaves it running.
public final class TernProcess: @unchecked Sendable {
    public let port: UInt16
    public let configPath: String
    public let directory: TemporaryDirectory
    private let child: ChildProcess
    private let lock = NSLock()
    private var stopResult: StopResult?

    public struct StopResult: CustomStringConvertible {
        public let status: ExitStatus
        /// From the signal to the reaped exit.
        public let duration: Duration
        /// True when the process ignored the signal and had to be SIGKILLed.
        public let killed: Bool

        public var description: String {
            "\(status) after \(duration)\(killed ? " (did not stop, SIGKILLed)" : "")"
        }
    }

    /// Starts `tern -f <config>` plus `arguments`, and waits until it answers OPTIONS on UDP
    /// (skip that with `waitUntilReady: false` for configs without a UDP listener).
    /// Retries with another port if the chosen one was taken meanwhile.
    /// `environment` adds variables to the server's environment (e.g. a PATH for programs it runs).
    public static func start(config: String, arguments: [String] = [], files: [String: String] = [:],
                             waitUntilReady: Bool = true,
                             readyTimeout: Duration = .seconds(10),
                             environment: [String: String] = [:]) throws -> TernProcess {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try TernProcess(config: config, arguments: arguments, files: files,
                                       waitUntilReady: waitUntilReady, readyTimeout: readyTimeout,
                                       environment: environment)
            } catch TernProcessError.exitedBeforeReady(let status, let stderr)
                where attempt < 3 && stderr.lowercased().contains("in use") {
                _ = status   // the port was taken between picking and binding: pick another
            }
        }
    }

    /// Starts a server, runs `body` with it, and always stops it afterwards.
    public static func withRunning<T>(config: String, arguments: [String] = [], files: [String: String] = [:],
                                      _ body: (TernProcess) throws -> T) throws -> T {
        let tern = try start(config: config, arguments: arguments, files: files)
        defer { tern.stop() }
        return try body(tern)
    }

    private init(config: String, arguments: [String], files: [String: String],
                 waitUntilReady: Bool, readyTimeout: Duration, environment: [String: String]) throws {
        let binary = PackagePaths.ternBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TernProcessError.binaryNotFound(binary)
        }
        let port = try FreePort.udpAndTCP()
        let directory = try TemporaryDirectory(prefix: "tern-test")
        let fill = { (text: String) in
            text.replacingOccurrences(of: "{PORT}", with: String(port))
                .replacingOccurrences(of: "{DIR}", with: directory.path)
        }
        self.port = port
        self.directory = directory
        for (name, text) in files { try directory.write(name, fill(text)) }
        configPath = try directory.write("tern.cfg", fill(config))
        child = try ChildProcess(executable: binary, arguments: ["-f", configPath] + arguments.map(fill),
                                 workingDirectory: directory.path,
                                 stdoutPath: directory.file("stdout.log"),
                                 stderrPath: directory.file("stderr.log"),
                                 environment: environment.mapValues(fill))
        if waitUntilReady { try awaitReady(timeout: readyTimeout) }
    }

    deinit { stop(grace: .seconds(1)) }

    public var pid: pid_t { child.pid }
    public var isRunning: Bool { child.isRunning }
    public var standardOutput: String { child.standardOutput }
    public var standardError: String { child.standardError }
    /// The process status if it has ended (nil while running).
    public var exitStatus: ExitStatus? { child.poll() }
    public var client: RawSIPClient { RawSIPClient(serverPort: port) }

    /// Sends a signal without waiting.
    public func send(signal: Int32) { child.signal(signal) }

    /// Sends `signal` (SIGTERM unless told), waits up to `grace`, SIGKILLs after that, and
    /// reports how the process ended. Calling it again returns the first result.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) -> StopResult {
        lock.lock()
        defer { lock.unlock() }
        if let stopResult { return stopResult }
        let started = ContinuousClock.now
        let (status, killed) = child.terminate(signal: signal, grace: grace)
        let result = StopResult(status: status, duration: ContinuousClock.now - started, killed: killed)
        stopResult = result
        return result
    }

    /// True when the server answers an OPTIONS over UDP within `timeout`.
    public func answersPing(timeout: Duration = .seconds(2)) -> Bool {
        client.ping(timeout: timeout)
    }

    private func awaitReady(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = child.poll() {
                throw TernProcessError.exitedBeforeReady(status, stderr: standardError)
            }
            if client.ping(timeout: .milliseconds(200)) { return }
        }
        if let status = child.poll() {
            throw TernProcessError.exitedBeforeReady(status, stderr: standardError)
        }
        stop(signal: SIGKILL)
        throw TernProcessError.notReady(after: timeout, stderr: standardError)
    }

    /// Runs `tern` with `arguments` to completion (e.g. `-c`, `-V`), killed after `timeout`.
    public static func run(arguments: [String], workingDirectory: String? = nil,
                           timeout: Duration = .seconds(20)) throws -> CommandResult {
        let binary = PackagePaths.ternBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TernProcessError.binaryNotFound(binary)
        }
        return try ChildProcess.run(executable: binary, arguments: arguments,
                                    workingDirectory: workingDirectory, timeout: timeout)
    }
}
