import Foundation
import Testing
import TernTestSupport

/// Packet loss on both sides (SIPp's `-lost` on caller and callee). Refused calls: every
/// message is protected by a transaction — INVITE, 486 and its hop-by-hop ACK — answered by
/// Tern's (Timers A, G; the ACK sent again for a retransmitted 486). Answered calls add the
/// end-to-end part: the callee retransmits its 200 until the ACK, Tern forwards each copy
/// (and answers a retransmitted INVITE with the 200 again, as Kamailio), the caller ACKs
/// each; BYE and its 200 go through a non-INVITE transaction (Timer E, the 200 resent).
@Suite("Stateful proxy under packet loss", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester)"))
struct StatefulLossTests {
    /// 5 %: at 10 % a callee sometimes gave up on a call whose ACK and 486 retransmissions
    /// were all lost within SIPp's retransmission budget (the caller's side still completed).
    @Test("100 refused calls with 5 % loss at caller and callee all complete")
    func lossyCalls() throws {
        let calls = 100
        let callee = try SIPpServer(scenario: "tm-uas-busy.xml", calls: calls, extraArguments: ["-lost", "5"])
        let tern = try TernProcess.start(config: StatefulProxyConfigs.fill(StatefulProxyConfigs.proxy(), uas1: callee.port))
        defer { tern.stop() }
        var run = SIPpRunner(scenario: "tm-uac-busy.xml", serverPort: tern.port, calls: calls, rate: 50,
                             timeout: .seconds(25))
        run.extraArguments = ["-lost", "5"]
        let caller = try run.run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        #expect(caller.failedCalls == 0, "\(caller)")
        let uas = callee.finish(timeout: .seconds(10))
        #expect(uas.successfulCalls == calls, "\(uas)")
    }

    /// 5 % rather than 10 %: at 10 %, about one run in seven lost a call to a run of drops of
    /// one message longer than the phones' retransmission schedules (SIPp's callee gives up on
    /// a call once its last message is done; its caller on a 25 s budget).
    @Test("100 answered calls (INVITE/200/ACK/BYE/200) with 5 % loss at caller and callee all complete")
    func lossyAnsweredCalls() throws {
        let calls = 100
        // The callee lingers 8 s after each call so a BYE retransmitted after its lost 200 is
        // answered again (a finished SIPp call only absorbs messages). wt_timer 10 s keeps the
        // BYE's transaction answering the caller's retransmissions (T1 doubling to T2) for as
        // long: after it, a retransmitted BYE would be a new transaction with a new branch,
        // which the SIPp callee takes for an unexpected BYE.
        let callee = try SIPpServer(scenario: "tm-uas-call-lossy.xml", calls: calls, extraArguments: ["-lost", "5"])
        let config = StatefulProxyConfigs.proxy(extraModparams: "modparam(\"tm\", \"wt_timer\", 10000)")
        let tern = try TernProcess.start(config: StatefulProxyConfigs.fill(config, uas1: callee.port))
        defer { tern.stop() }
        var run = SIPpRunner(scenario: "tm-uac-call-lossy.xml", serverPort: tern.port, calls: calls, rate: 20,
                             timeout: .seconds(25))
        run.extraArguments = ["-lost", "5"]
        let caller = try run.run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        #expect(caller.failedCalls == 0, "\(caller)")
        #expect(caller.retransmissions > 0, "no loss happened: \(caller)")
        let uas = callee.finish(timeout: .seconds(12))
        #expect(uas.successfulCalls == calls, "\(uas)")
        #expect(uas.failedCalls == 0, "\(uas)")
        #expect(tern.isRunning)
    }
}
