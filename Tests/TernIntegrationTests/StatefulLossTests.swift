import Foundation
import Testing
import TernTestSupport

/// Packet loss on both sides (SIPp's `-lost 10` on caller and callee): calls whose every
/// message a transaction protects — INVITE, 486 and its hop-by-hop ACK — all complete,
/// retransmissions absorbed and answered by Tern's transactions (Timers A, G; the ACK sent
/// again for a retransmitted 486).
@Suite("Stateful proxy under packet loss", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester)"))
struct StatefulLossTests {
    @Test("100 refused calls with 10 % loss at caller and callee all complete")
    func lossyCalls() throws {
        let calls = 100
        let callee = try SIPpServer(scenario: "tm-uas-busy.xml", calls: calls, extraArguments: ["-lost", "10"])
        let tern = try TernProcess.start(config: StatefulProxyConfigs.fill(StatefulProxyConfigs.proxy(), uas1: callee.port))
        defer { tern.stop() }
        var run = SIPpRunner(scenario: "tm-uac-busy.xml", serverPort: tern.port, calls: calls, rate: 50,
                             timeout: .seconds(25))
        run.extraArguments = ["-lost", "10"]
        let caller = try run.run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        #expect(caller.failedCalls == 0, "\(caller)")
        let uas = callee.finish(timeout: .seconds(10))
        #expect(uas.successfulCalls == calls, "\(uas)")
    }
}
