import Testing
import TernTestSupport

/// 10,000 OPTIONS at 1,000/s through SIPp, on UDP and on TCP: every one answered 200.
@Suite("SIPp OPTIONS load", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct SIPpLoadTests {
    static let calls = 10_000
    static let rate = 1_000

    @Test("10,000 OPTIONS at 1,000/s", arguments: [SIPpRunner.Transport.udp, .tcp])
    func optionsLoad(transport: SIPpRunner.Transport) throws {
        let tern = try TernProcess.start(config: TestConfigs.stateless)
        defer { tern.stop() }

        let run = SIPpRunner(scenario: "options.xml", serverPort: tern.port, calls: Self.calls,
                             rate: Self.rate, transport: transport, timeout: .seconds(40))
        let result = try run.run()

        #expect(result.successfulCalls == Self.calls, "\(result)\ntern stderr:\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
        #expect(result.exitStatus == .exited(0), "\(result)")
        #expect(tern.isRunning, "tern exited during the load: \(String(describing: tern.exitStatus))\n\(tern.standardError.suffix(2000))")
    }
}
