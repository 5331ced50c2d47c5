#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TernTestSupport

/// SIPp as the two phones of a call through Tern: a UAS left running in the background and a
/// UAC run to completion. Built-in scenarios (`-sn uac`/`-sn uas`) unless a scenario file is
/// given. Every port is picked free; both processes are always reaped.
struct SIPpPhones {
    enum Transport: String {
        case udp = "u1"
        case tcp = "t1"
    }

    struct UACResult: CustomStringConvertible {
        var status: ExitStatus?
        var successful: Int
        var failed: Int
        var output: String
        var description: String { "sipp uac exit \(String(describing: status)), \(successful) ok, \(failed) failed\n\(output)" }
    }

    /// A UAS listening on 127.0.0.1:`port`, answering `calls` calls.
    final class UAS {
        let port: UInt16
        let process: ChildProcess
        let directory: TemporaryDirectory

        init(transport: Transport, calls: Int, scenario: String? = nil) throws {
            guard let sipp = SIPpRunner.executable else { throw SIPpMissing() }
            directory = try TemporaryDirectory(prefix: "tern-uas")
            port = try FreePort.udpAndTCP()
            let script = scenario.map { ["-sf", $0] } ?? ["-sn", "uas"]
            process = try ChildProcess(
                executable: sipp,
                arguments: script + [
                    "-i", "127.0.0.1", "-p", String(port), "-t", transport.rawValue, "-m", String(calls),
                    "-cp", String(try FreePort.udp()), "-mi", "127.0.0.1", "-mp", String(try FreePort.udp()),
                    "-nostdin", "-buff_size", String(4 << 20),
                    "-trace_err", "-error_file", directory.file("errors.log"),
                ],
                workingDirectory: directory.path,
                stdoutPath: directory.file("stdout.log"), stderrPath: directory.file("stderr.log"))
            // SIPp binds its socket within a few milliseconds of starting.
            usleep(300_000)
        }

        /// Waits for it to finish its calls (exit 0 when all succeeded), killing it after `timeout`.
        func finish(timeout: Duration) -> ExitStatus {
            if let status = process.wait(timeout: timeout) { return status }
            return process.terminate(signal: SIGINT, grace: .seconds(3)).status
        }

        deinit { _ = process.terminate(signal: SIGKILL, grace: .seconds(1)) }
    }

    /// Runs a UAC placing `calls` calls at `rate` per second to 127.0.0.1:`serverPort`.
    static func runUAC(serverPort: UInt16, calls: Int, rate: Int, service: String = "service",
                       scenario: String? = nil, transport: Transport = .udp, timeout: Duration) throws -> UACResult {
        guard let sipp = SIPpRunner.executable else { throw SIPpMissing() }
        let directory = try TemporaryDirectory(prefix: "tern-uac")
        let stats = directory.file("stats.csv")
        let seconds = Int(timeout.components.seconds)
        let script = scenario.map { ["-sf", $0] } ?? ["-sn", "uac"]
        let child = try ChildProcess(
            executable: sipp,
            arguments: script + [
                "127.0.0.1:\(serverPort)", "-s", service, "-m", String(calls), "-r", String(rate),
                "-i", "127.0.0.1", "-p", String(try FreePort.udpAndTCP()), "-t", transport.rawValue,
                "-cp", String(try FreePort.udp()), "-mi", "127.0.0.1", "-mp", String(try FreePort.udp()),
                "-nostdin", "-timeout", "\(seconds)s", "-timeout_error", "-buff_size", String(4 << 20),
                "-trace_stat", "-stf", stats, "-fd", "1",
                "-trace_err", "-error_file", directory.file("errors.log"),
            ],
            workingDirectory: directory.path,
            stdoutPath: directory.file("stdout.log"), stderrPath: directory.file("stderr.log"))
        var status = child.wait(timeout: timeout + .seconds(10))
        if status == nil { status = child.terminate(signal: SIGINT, grace: .seconds(3)).status }
        let counters = lastRow(read(stats))
        let output = read(directory.file("errors.log")).suffix(3000) + "\n" + child.standardOutput.suffix(3000)
        return UACResult(status: status, successful: Int(counters["SuccessfulCall(C)"] ?? "") ?? 0,
                         failed: Int(counters["FailedCall(C)"] ?? "") ?? 0, output: String(output))
    }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// SIPp's statistics file: a header row and one row per period; the last holds the totals.
    private static func lastRow(_ csv: String) -> [String: String] {
        let rows = csv.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        guard rows.count >= 2, let header = rows.first, let last = rows.last else { return [:] }
        let names = header.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let values = last.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        var out: [String: String] = [:]
        for (name, value) in zip(names, values) { out[name] = value }
        return out
    }

    struct SIPpMissing: Error {}
}
