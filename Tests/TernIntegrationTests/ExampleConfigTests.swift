import Foundation
import Testing
import TernTestSupport

/// Every config in examples/ runs: `make run` starts examples/tern.cfg, so it must answer
/// SIPp's OPTIONS with 200s (on a free port instead of 5060, through its LISTEN_PORT define).
@Suite("Example configs", .serialized)
struct ExampleConfigTests {
    private static func example(_ name: String) throws -> String {
        try String(contentsOfFile: PackagePaths.root + "/examples/" + name, encoding: .utf8)
    }

    @Test("examples/tern.cfg passes tern -c")
    func exampleChecks() throws {
        let result = try TernProcess.run(arguments: ["-c", "-f", PackagePaths.root + "/examples/tern.cfg"])
        #expect(result.status == .exited(0), "\(result.standardError)")
        #expect(result.standardOutput.contains("config file ok"))
    }

    @Test("examples/tern.cfg answers SIPp OPTIONS with 200 over UDP and TCP",
          .enabled(if: SIPpRunner.isAvailable, "sipp is not installed"),
          arguments: [SIPpRunner.Transport.udp, .tcp])
    func exampleAnswersOptions(transport: SIPpRunner.Transport) throws {
        let tern = try TernProcess.start(config: try Self.example("tern.cfg"), arguments: ["-A", "LISTEN_PORT={PORT}"])
        defer { tern.stop() }
        let result = try SIPpRunner(scenario: "options.xml", serverPort: tern.port, calls: 200, rate: 200,
                                    transport: transport, timeout: .seconds(20)).run()
        #expect(result.successfulCalls == 200, "\(result)\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
    }
}
