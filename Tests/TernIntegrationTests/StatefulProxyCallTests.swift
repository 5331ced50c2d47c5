import Foundation
import Testing
import TernTestSupport

/// tm with the real binary and SIPp phones: the bench's proxy-stateful.cfg unchanged (t_relay
/// with record_route/loose_route) passes `tern -c` and carries 1,000 calls at 100 calls/s,
/// ACK and BYE following the Route set.
@Suite("Stateful proxy calls", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester)"))
struct StatefulProxyCallTests {
    static let benchConfig = PackagePaths.benchConfigs + "/proxy-stateful.cfg"

    @Test("tern -c accepts the bench's proxy-stateful.cfg unchanged")
    func configChecks() throws {
        let result = try TernProcess.run(arguments: ["-c", "-f", Self.benchConfig], workingDirectory: PackagePaths.benchConfigs)
        #expect(result.status == .exited(0), "\(result.combinedOutput)")
        #expect(result.standardOutput.contains("config file ok"), "\(result.combinedOutput)")
    }

    @Test("proxy-stateful.cfg: 1,000 calls at 100 cps through t_relay, record_route and loose_route all succeed")
    func thousandCalls() throws {
        let calls = 1000
        let uas = try SIPpServer(scenario: "tm-uas-call.xml", calls: calls)
        let tern = try TernProcess.start(
            config: try String(contentsOfFile: Self.benchConfig, encoding: .utf8),
            arguments: ["-A", "PORT={PORT}", "-A", "UAS_PORT=\(uas.port)"],
            files: ["common.inc": try String(contentsOfFile: PackagePaths.benchConfigs + "/common.inc", encoding: .utf8)])
        defer { tern.stop() }
        let result = try SIPpRunner(scenario: "tm-uac-call.xml", serverPort: tern.port, calls: calls, rate: 100,
                                    timeout: .seconds(25)).run()
        let callee = uas.finish(timeout: .seconds(5))
        #expect(result.successfulCalls == calls, "\(result)\ntern:\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
        #expect(callee.successfulCalls == calls, "\(callee)")
        #expect(tern.isRunning)
    }
}
