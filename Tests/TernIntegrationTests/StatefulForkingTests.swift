import Foundation
import Testing
import TernTestSupport

/// Forking with tm: serial (failure_route relays a 486ed call to a second callee), parallel
/// (one callee busy, one answering: the caller gets the 200), and CANCEL while both ring
/// (each callee gets a CANCEL, the caller a 487).
@Suite("Stateful forking", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester)"))
struct StatefulForkingTests {
    private func proxy(_ config: String, _ uas1: SIPpServer, _ uas2: SIPpServer) throws -> TernProcess {
        try TernProcess.start(config: StatefulProxyConfigs.fill(config, uas1: uas1.port, uas2: uas2.port))
    }

    @Test("serial forking: the first callee answers 486, failure_route relays to the second, which answers 200")
    func serialForking() throws {
        let calls = 10
        let busy = try SIPpServer(scenario: "tm-uas-busy.xml", calls: calls)
        let answering = try SIPpServer(scenario: "tm-uas-call.xml", calls: calls)
        let tern = try proxy(StatefulProxyConfigs.proxy(serial: true), busy, answering)
        defer { tern.stop() }
        let caller = try SIPpRunner(scenario: "tm-uac-call.xml", serverPort: tern.port, calls: calls, rate: 10,
                                    timeout: .seconds(15)).run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        let first = busy.finish(timeout: .seconds(5))
        let second = answering.finish(timeout: .seconds(5))
        #expect(first.successfulCalls == calls, "the busy callee saw no ACK for its 486: \(first)")
        #expect(second.successfulCalls == calls, "\(second)")
    }

    @Test("parallel forking: one callee 486, the other 200 — the caller gets the 200, as onreply_route changed it")
    func parallelForking() throws {
        let calls = 10
        let busy = try SIPpServer(scenario: "tm-uas-busy.xml", calls: calls)
        let answering = try SIPpServer(scenario: "tm-uas-call.xml", calls: calls)
        let tern = try proxy(StatefulProxyConfigs.proxy(fork: true), busy, answering)
        defer { tern.stop() }
        let caller = try SIPpRunner(scenario: "tm-uac-call-seen.xml", serverPort: tern.port, calls: calls, rate: 10,
                                    timeout: .seconds(15)).run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        #expect(caller.failedCalls == 0)
        #expect(busy.finish(timeout: .seconds(5)).successfulCalls == calls)
        #expect(answering.finish(timeout: .seconds(5)).successfulCalls == calls)
    }

    @Test("CANCEL while both forks ring: both callees get CANCEL (and ACK for their 487), the caller 487")
    func cancelBothBranches() throws {
        let calls = 5
        let first = try SIPpServer(scenario: "tm-uas-ring-cancel.xml", calls: calls)
        let second = try SIPpServer(scenario: "tm-uas-ring-cancel.xml", calls: calls)
        let tern = try proxy(StatefulProxyConfigs.proxy(fork: true), first, second)
        defer { tern.stop() }
        let caller = try SIPpRunner(scenario: "tm-uac-cancel.xml", serverPort: tern.port, calls: calls, rate: 5,
                                    timeout: .seconds(15)).run()
        #expect(caller.successfulCalls == calls, "\(caller)\n\(tern.standardError.suffix(2000))")
        let a = first.finish(timeout: .seconds(5))
        let b = second.finish(timeout: .seconds(5))
        #expect(a.successfulCalls == calls, "first callee: \(a)")
        #expect(b.successfulCalls == calls, "second callee: \(b)")
    }
}
