// The stateless branch depends on the request alone: a retransmission, and the CANCEL of an
// INVITE, get the same branch; another transaction or another destination a different one.
import SIPCore
import TernTestSupport
import Testing

@testable import TernRuntime

@Suite struct StatelessBranchTests {
    private func request(_ method: String, branch: String = "z9hG4bK776asdhds", cseq: Int = 314159,
                         callID: String = "a84b4c76e66710") -> SIPMessage {
        ScriptTestHarness.message([
            "\(method) sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=\(branch)",
            "From: <sip:alice@example.com>;tag=1928301774",
            "To: <sip:bob@example.com>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(method)",
        ])
    }

    @Test func shapeIsAnRFC3261Branch() {
        let branch = StatelessBranch.make(for: request("INVITE"), destination: "udp:192.0.2.20:5060")
        #expect(branch.hasPrefix("z9hG4bK"))
        #expect(branch.count == "z9hG4bKsl".count + 16)
    }

    @Test func retransmissionAndCancelRepeatTheBranch() {
        let first = StatelessBranch.make(for: request("INVITE"), destination: "udp:192.0.2.20:5060")
        #expect(StatelessBranch.make(for: request("INVITE"), destination: "udp:192.0.2.20:5060") == first)
        #expect(StatelessBranch.make(for: request("CANCEL"), destination: "udp:192.0.2.20:5060") == first)
    }

    @Test func otherTransactionsAndDestinationsDiffer() {
        let first = StatelessBranch.make(for: request("INVITE"), destination: "udp:192.0.2.20:5060")
        #expect(StatelessBranch.make(for: request("INVITE", branch: "z9hG4bKother"), destination: "udp:192.0.2.20:5060") != first)
        #expect(StatelessBranch.make(for: request("INVITE", cseq: 314160), destination: "udp:192.0.2.20:5060") != first)
        #expect(StatelessBranch.make(for: request("INVITE", callID: "x"), destination: "udp:192.0.2.20:5060") != first)
        #expect(StatelessBranch.make(for: request("INVITE"), destination: "udp:192.0.2.21:5060") != first)
    }

    @Test func pre3261RequestsHashTheWholeVia() {
        let a = StatelessBranch.make(for: request("INVITE", branch: "1"), destination: "d")
        #expect(StatelessBranch.make(for: request("INVITE", branch: "1"), destination: "d") == a)
        #expect(StatelessBranch.make(for: request("INVITE", branch: "2"), destination: "d") != a)
    }
}
