// The destination set. Behaviour checked against Kamailio 5.6.3 (corex append_branch):
// append_branch("sip:b1@10.0.0.1", "0.5") then append_branch() with $du set gives
// $ds "Contact: <sip:b1@10.0.0.1>;q=0.5, <R-URI>", and afterwards $du is null and $bf 0;
// q "2" fails with -1, q "0.1234" is stored as 0.123.
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernRuntime

@Suite struct CoreFunctionBranchTests {
    @Test func appendBranchWithURIAndQ() {
        guard let script = CoreScript("request_route { append_branch(\"sip:b1@10.0.0.1\", \"0.5\"); }") else { return }
        let run = script.run()
        #expect(run.context.branches == [ScriptBranch(uri: "sip:b1@10.0.0.1", q: 500)])
        #expect(run.outcome.returnCode == 1)
    }

    @Test func appendBranchMovesTheRequestURIAndItsAttributes() {
        guard let script = CoreScript("""
            request_route {
                seturi("sip:carol@c.example.org");
                force_send_socket(udp:127.0.0.1:5070);
                append_branch();
            }
            """) else { return }
        let run = script.run { ctx in
            ctx.destinationURI = "sip:proxy.example.org:5070"
            ctx.requestBranchFlags = 4
        }
        #expect(run.context.branches == [ScriptBranch(
            uri: "sip:carol@c.example.org", destinationURI: "sip:proxy.example.org:5070", q: nil, flags: 4,
            socket: "udp:127.0.0.1:5070")])
        // The R-URI keeps its text but loses destination, flags and socket to the branch.
        #expect(run.context.newRequestURI == "sip:carol@c.example.org")
        #expect(run.context.destinationURI == nil)
        #expect(run.context.requestBranchFlags == 0)
        #expect(run.context.forcedSendSocket == nil)
    }

    @Test func appendBranchWithAURIKeepsTheRequestURIAttributes() {
        guard let script = CoreScript("request_route { append_branch(\"sip:x@$fd\"); }") else { return }
        let run = script.run { ctx in
            ctx.destinationURI = "sip:p"
            ctx.requestBranchFlags = 2
        }
        // The URI argument is a format: $fd expands.
        #expect(run.context.branches == [ScriptBranch(uri: "sip:x@atlanta.example.com", destinationURI: "sip:p", flags: 2)])
        #expect(run.context.destinationURI == "sip:p")
        #expect(run.context.requestBranchFlags == 2)
    }

    @Test(arguments: [("0.1234", 123), ("1", 1000), ("1.000", 1000), ("0", 0), (".5", 500), (" 0.25", 250)])
    func qValues(text: String, thousandths: Int) {
        guard let script = CoreScript("request_route { append_branch(\"sip:b@h\", \"\(text)\"); }") else { return }
        #expect(script.run().context.branches.first?.q == thousandths)
    }

    @Test func aBadConstantQIsAConfigErrorAndADynamicOneFailsAtRunTime() {
        let errors = CoreScript.errors("request_route { append_branch(\"sip:b@h\", \"2\"); }")
        #expect(errors == ["append_branch: bad q value '2' (0 to 1, three decimals)"])
        guard let script = CoreScript("request_route { append_branch(\"sip:b@h\", \"$hdr(X-Q)\"); }") else { return }
        let run = script.run(ScriptTestHarness.request(extra: ["X-Q: 1.5"]))
        #expect(run.outcome.returnCode == -1)
        #expect(run.context.branches.isEmpty)
        #expect(run.log.texts == ["append_branch: cannot parse the q value '1.5' (main.cfg:1:17)"])
    }

    @Test func atMostElevenBranchesBesideTheRequestURI() {
        let calls = (1...12).map { "append_branch(\"sip:b\($0)@h\");" }.joined(separator: " ")
        guard let script = CoreScript("request_route { \(calls) }") else { return }
        let run = script.run()
        #expect(run.context.branches.count == 11)
        #expect(run.outcome.returnCode == -1)
        #expect(run.log.texts.count == 1)
    }

    @Test func removeBranchAndClearBranches() {
        guard let remove = CoreScript("""
            request_route {
                append_branch("sip:a@h"); append_branch("sip:b@h"); append_branch("sip:c@h"); append_branch("sip:d@h");
                remove_branch(1);
                remove_branch(-1);
                remove_branch(7);
                remove_branch();
            }
            """) else { return }
        #expect(remove.run().context.branches.map(\.uri) == ["sip:c@h"])
        guard let clear = CoreScript("request_route { append_branch(\"sip:a@h\"); clear_branches(); }") else { return }
        let run = clear.run { $0.requestBranchFlags = 8 }
        #expect(run.context.branches.isEmpty)
        #expect(run.context.requestBranchFlags == 0)
    }

    @Test func branchFlagsByIndex() {
        let context = CoreScript("request_route { append_branch(\"sip:a@h\"); }")?.run().context
        guard let context else { return }
        #expect(context.branchFlags(at: 0) == 0)
        #expect(context.setBranchFlags(6, at: 1))
        #expect(context.branchFlags(at: 1) == 6)
        #expect(context.branchFlags(at: 2) == nil)
        #expect(!context.setBranchFlags(1, at: 2))
        #expect(context.branchFlags(at: -1) == nil)
    }

    @Test func qValueParser() throws {
        #expect(throws: QValue.Failure.empty) { try QValue.parse("") }
        #expect(throws: QValue.Failure.missingDecimal) { try QValue.parse("0.") }
        #expect(throws: QValue.Failure.tooBig) { try QValue.parse("1.5") }
        #expect(throws: QValue.Failure.invalidCharacter) { try QValue.parse("0,5") }
        #expect(try QValue.parse("0.999") == 999)
    }
}
