// Message flags. Kamailio 5.6.3: setflag(3); setflag(0) gives $mf 9; isflagset(4) returns -1.
import Testing

@testable import TernRuntime

@Suite struct CoreFunctionFlagTests {
    @Test func setResetAndTest() {
        guard let script = CoreScript("""
            request_route {
                setflag(3);
                setflag(0);
                setflag(31);
                resetflag(31);
                $var(four) = isflagset(4);
                $var(three) = isflagset(3);
            }
            """) else { return }
        let run = script.run()
        #expect(run.context.messageFlags == 9)
        #expect(run.context.worker.variable(named: "four") == .int(-1))
        #expect(run.context.worker.variable(named: "three") == .int(1))
    }

    @Test func declaredFlagNamesResolveToTheirNumbers() {
        guard let script = CoreScript("""
            flags FLT_ACC:1, FLT_NAT:5;
            request_route {
                setflag(FLT_NAT);
                if (isflagset(FLT_NAT)) { setflag(FLT_ACC); }
                resetflag(FLT_NAT);
            }
            """) else { return }
        #expect(script.run().context.messageFlags == 0b10)
    }

    @Test func flagsAreCheckedWhenTheScriptLoads() {
        let errors = CoreScript.errors("""
            request_route {
                setflag(32);
                isflagset(NOT_DECLARED);
                resetflag($var(f));
            }
            """)
        #expect(errors == [
            "setflag: bad flag value 32 (flags are 0 to 31)",
            "isflagset: flag 'NOT_DECLARED' is not declared",
            "resetflag takes a flag number or a declared flag name, not an expression",
        ])
    }

    @Test func flagsStartClearForEveryMessage() {
        guard let script = CoreScript("request_route { if (isflagset(1)) { exit; } setflag(1); }") else { return }
        #expect(script.run().outcome.exited == false)
        #expect(script.run().outcome.exited == false)
    }
}
