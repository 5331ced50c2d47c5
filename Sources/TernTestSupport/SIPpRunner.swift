#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs SIPp (Debian's `sip-tester`) as a UAC against a server on 127.0.0.1 and reads its
/// statistics file. Every port SIPp binds (SIP, control, media) is picked free, its files go to
/// a temporary directory, and the process is killed if it outlives its own timeout.
public struct SIPpRunner {
    public enum Transport: String, Sendable {
        /// One UDP socket for all calls.
        case udp = "u1"
        /// One TCP connection for all calls.
        case tcp = "t1"
    }

    /// The `sipp` executable on PATH, if installed.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/sipp"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static var isAvailable: Bool { executable != nil }

    /// Scenario file name in `Tests/Scenarios` (e.g. "options.xml").
    public var scenario: String
    public var serverPort: UInt16
    public var calls: Int
    public var rate: Int
    public var transport: Transport
    /// SIPp's own global timeout (`-timeout`, with `-timeout_error`); the process is killed
    /// if still alive 20 s after it.
    public var timeout: Duration
    /// Further SIPp arguments.
    public var extraArguments: [String] = []

    public init(scenario: String, serverPort: UInt16, calls: Int, rate: Int,
                transport: Transport = .udp, timeout: Duration = .seconds(60)) {
        self.scenario = scenario
        self.serverPort = serverPort
        self.calls = calls
        self.rate = rate
        self.transport = transport
        self.timeout = timeout
    }

    public func run() throws -> SIPpResult {
        guard let sipp = Self.executable else {
            throw SystemCallError("sipp not installed (apt-get install sip-tester)", errno: ENOENT)
        }
        let scenarioPath = PackagePaths.scenarios + "/" + scenario
        let work = try TemporaryDirectory(prefix: "tern-sipp")
        let statsPath = work.file("stats.csv")
        let screenPath = work.file("screen.log")
        let errorsPath = work.file("errors.log")
        let seconds = max(1, Int(timeout.seconds.rounded(.up)))
        let arguments = [
            "127.0.0.1:\(serverPort)",
            "-sf", scenarioPath,
            "-m", String(calls), "-r", String(rate), "-rp", "1000",
            "-l", String(max(100, rate * 3)),
            "-t", transport.rawValue,
            "-i", "127.0.0.1",
            "-p", String(try FreePort.udpAndTCP()),
            "-cp", String(try FreePort.udp()),
            "-mi", "127.0.0.1", "-mp", String(try FreePort.udp()),
            "-nostdin",
            "-timeout", "\(seconds)s", "-timeout_error",
            "-max_recv_loops", "10000", "-max_sched_loops", "10000",
            "-buff_size", String(4 << 20),
            "-trace_stat", "-stf", statsPath, "-fd", "1",
            "-trace_screen", "-screen_file", screenPath,
            "-trace_err", "-error_file", errorsPath,
        ] + extraArguments
        let child = try ChildProcess(executable: sipp, arguments: arguments, workingDirectory: work.path,
                                     stdoutPath: work.file("stdout.log"), stderrPath: work.file("stderr.log"))
        var killed = false
        var status = child.wait(timeout: timeout + .seconds(20))
        if status == nil {
            killed = true
            status = child.terminate(signal: SIGINT, grace: .seconds(3)).status
        }
        let stats = SIPpStatistics(csv: ChildProcess.read(statsPath))
        return SIPpResult(
            exitStatus: status ?? .signaled(SIGKILL),
            killedAfterTimeout: killed,
            successfulCalls: stats.count("SuccessfulCall(C)"),
            failedCalls: stats.count("FailedCall(C)"),
            retransmissions: stats.count("Retransmissions(C)"),
            statistics: stats.lastRow,
            command: ([sipp] + arguments).joined(separator: " "),
            output: [
                ("stdout", child.standardOutput), ("stderr", child.standardError),
                ("screen", ChildProcess.read(screenPath)), ("errors", ChildProcess.read(errorsPath)),
            ].map { "--- sipp \($0.0) ---\n\(Self.tail($0.1))" }.joined(separator: "\n"))
    }

    private static func tail(_ text: String, limit: Int = 6000) -> String {
        text.count <= limit ? text : "…" + String(text.suffix(limit))
    }
}

/// What a SIPp run did, from its exit status and the last row of its statistics file.
public struct SIPpResult: CustomStringConvertible {
    /// 0 = every call succeeded, 1 = at least one failed, other values = SIPp could not run.
    public let exitStatus: ExitStatus
    public let killedAfterTimeout: Bool
    public let successfulCalls: Int
    public let failedCalls: Int
    public let retransmissions: Int
    /// Column name -> value of the final cumulative statistics row.
    public let statistics: [String: String]
    public let command: String
    /// SIPp's stdout, stderr, final screen and unexpected-message log, for failure messages.
    public let output: String

    public var description: String {
        "sipp \(exitStatus)\(killedAfterTimeout ? " (killed after timeout)" : ""): "
            + "\(successfulCalls) successful, \(failedCalls) failed, \(retransmissions) retransmissions\n"
            + "\(command)\n\(output)"
    }
}

/// SIPp's `-trace_stat` CSV: `;`-separated, a header row then one row per period; the last row
/// holds the cumulative `(C)` counters.
struct SIPpStatistics {
    let lastRow: [String: String]

    init(csv: String) {
        let rows = csv.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        guard rows.count >= 2 else {
            lastRow = [:]
            return
        }
        let names = rows[0].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let values = rows[rows.count - 1].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        lastRow = Dictionary(zip(names, values), uniquingKeysWith: { first, _ in first })
    }

    func count(_ column: String) -> Int {
        Int(lastRow[column] ?? "") ?? 0
    }
}
