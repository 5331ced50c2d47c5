#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// SIPp as the called party (a UAS behind the proxy under test): runs a scenario from
/// `Tests/Scenarios` on a free port of 127.0.0.1 until it has handled `calls` calls or is
/// stopped. `finish` waits for it and reads its statistics; the process is killed when the
/// value is released, so a failing test never leaves it running.
public final class SIPpServer: @unchecked Sendable {
    public let port: UInt16
    public let scenario: String
    private let child: ChildProcess
    private let work: TemporaryDirectory
    private let lock = NSLock()
    private var result: SIPpResult?

    /// `calls`: SIPp exits after this many calls (`-m`); `extraArguments` e.g. `-lost 10`.
    public init(scenario: String, calls: Int, extraArguments: [String] = []) throws {
        guard let sipp = SIPpRunner.executable else {
            throw SystemCallError("sipp not installed (apt-get install sip-tester)", errno: ENOENT)
        }
        self.scenario = scenario
        work = try TemporaryDirectory(prefix: "tern-sipp-uas")
        port = try FreePort.udp()
        let arguments = [
            "-sf", PackagePaths.scenarios + "/" + scenario,
            "-i", "127.0.0.1", "-p", String(port),
            "-m", String(calls),
            "-cp", String(try FreePort.udp()),
            "-mi", "127.0.0.1", "-mp", String(try FreePort.udp()),
            "-nostdin",
            "-max_recv_loops", "10000", "-max_sched_loops", "10000",
            "-buff_size", String(4 << 20),
            "-trace_stat", "-stf", work.file("stats.csv"), "-fd", "1",
            "-trace_err", "-error_file", work.file("errors.log"),
        ] + extraArguments
        child = try ChildProcess(executable: sipp, arguments: arguments, workingDirectory: work.path,
                                 stdoutPath: work.file("stdout.log"), stderrPath: work.file("stderr.log"))
        // SIPp binds its socket within a few milliseconds of starting.
        usleep(300_000)
    }

    deinit { _ = finish(timeout: .zero) }

    /// The next-hop address for configs: `127.0.0.1:PORT`.
    public var address: String { "127.0.0.1:\(port)" }

    /// Waits up to `timeout` for SIPp to finish its calls (then stops it) and reports them.
    public func finish(timeout: Duration) -> SIPpResult {
        lock.lock()
        defer { lock.unlock() }
        if let result { return result }
        var killed = false
        var status = child.wait(timeout: timeout)
        if status == nil {
            killed = true
            status = child.terminate(signal: SIGINT, grace: .seconds(2)).status
        }
        let stats = SIPpStatistics(csv: ChildProcess.read(work.file("stats.csv")))
        let made = SIPpResult(
            exitStatus: status ?? .signaled(SIGKILL), killedAfterTimeout: killed,
            successfulCalls: stats.count("SuccessfulCall(C)"), failedCalls: stats.count("FailedCall(C)"),
            retransmissions: stats.count("Retransmissions(C)"), statistics: stats.lastRow,
            command: "sipp " + child.arguments.joined(separator: " "),
            output: [("stdout", child.standardOutput), ("stderr", child.standardError),
                     ("errors", ChildProcess.read(work.file("errors.log")))]
                .map { "--- sipp uas \($0.0) ---\n\(String($0.1.suffix(4000)))" }.joined(separator: "\n"))
        result = made
        return made
    }
}
