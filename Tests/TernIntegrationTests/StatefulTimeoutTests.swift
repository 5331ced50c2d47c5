import Foundation
import Testing
import TernTestSupport

/// tm timers on the wire: a callee that rings and never answers gets its branch CANCELed when
/// fr_inv_timer runs out, failure_route runs (t_branch_timeout, t_branch_replied, t_reply
/// there), and the caller gets its 408 after fr_inv_timer (within 10 %).
@Suite("Stateful timeouts", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester)"))
struct StatefulTimeoutTests {
    /// SIPp's `00:00:02:012000` (hours:minutes:seconds:microseconds) in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 4 else { return nil }
        return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + parts[3] / 1000
    }

    @Test("a callee ringing forever: 408 to the caller after fr_inv_timer (2 s ± 10 %), the branch CANCELed; failure_route sees the timeout")
    func inviteTimeout() throws {
        let calls = 2
        let callee = try SIPpServer(scenario: "tm-uas-ring-cancel.xml", calls: calls)
        // failure_route answers a branch that rang and timed out with "408 Rang Too Long",
        // which tm-uac-timeout.xml requires.
        let config = StatefulProxyConfigs.proxy(serial: true, extraModparams: """
            modparam("tm", "fr_timer", 1000)
            modparam("tm", "fr_inv_timer", 2000)
            """)
        let tern = try TernProcess.start(config: StatefulProxyConfigs.fill(config, uas1: callee.port, uas2: callee.port))
        defer { tern.stop() }
        let caller = try SIPpRunner(scenario: "tm-uac-timeout.xml", serverPort: tern.port, calls: calls, rate: 2,
                                    timeout: .seconds(15)).run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        let waited = try #require(Self.milliseconds(caller.statistics["ResponseTime1(C)"] ?? ""),
                                  "no response time in \(caller.statistics)")
        #expect(waited >= 1800 && waited <= 2200, "408 came after \(waited) ms, not 2000 ± 10 %")
        let uas = callee.finish(timeout: .seconds(5))
        #expect(uas.successfulCalls == calls, "the callee was not CANCELed: \(uas)")
    }
}
