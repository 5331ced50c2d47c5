// pv module functions. Every expectation marked "Kamailio" was printed by Kamailio 5.6.3 running
// the same calls: pv_isset("$var(never)") true, pv_isset("$avp(never)") false, an empty $var
// set; pv_unset("$var(s)") leaves int 0; typeof($rp, "str") true and typeof($rp, "int") false;
// is_int of $var holding "12" false; typeof($hdr(X-None), "nothing") true (first letter only);
// not_empty($fU) true, not_empty of an int false; pv_isset("$du") false while $du is unset.
// One difference: Kamailio's is_int($rp) is true ($rp is a string carrying an integer there);
// Tern's $rp is a plain string, so is_int says no.
import TernScript
import Testing

@testable import TernModules

@Suite struct PVFunctionTests {
    private func results(_ calls: [String]) -> [Int]? {
        let body = calls.enumerated().map { "$var(r\($0.offset)) = \($0.element);" }.joined(separator: "\n")
        guard let script = ModuleScript("request_route {\n\(body)\n}") else { return nil }
        let run = script.run()
        return calls.indices.map { run.variable("r\($0)").intValue }
    }

    @Test func isset() {
        #expect(results([
            "pv_isset(\"$var(never)\")",      // Kamailio: 1
            "pv_isset(\"$avp(never)\")",      // Kamailio: -1
            "pv_isset(\"$du\")",              // Kamailio: -1
            "pv_isset(\"$fU\")",
            "pv_isset($hdr(X-None))",         // written without quotes
        ]) == [1, -1, -1, 1, -1])
    }

    @Test func unset() {
        guard let script = ModuleScript("""
            request_route {
                $var(s) = "abc";
                pv_unset("$var(s)");
                $var(t) = typeof("$var(s)", "int");
                $du = "sip:proxy.example.org";
                pv_unset($du);
                $avp(a) = "x";
                pv_unset("$avp(a)");
                $var(a) = pv_isset("$avp(a)");
            }
            """) else { return }
        let run = script.run()
        #expect(run.variable("s") == .int(0))   // Kamailio: unset var=[0], typeof int
        #expect(run.variable("t") == .int(1))
        #expect(run.context.destinationURI == nil)
        #expect(run.variable("a") == .int(-1))
    }

    @Test func types() {
        guard let script = ModuleScript("""
            request_route {
                $var(i) = 5; $var(n) = "12"; $var(e) = "";
                $var(r0) = is_int("$var(i)");
                $var(r1) = is_int("$var(n)");
                $var(r2) = typeof("$rp", "int");
                $var(r3) = typeof("$rp", "str");
                $var(r4) = typeof("$hdr(X-None)", "null");
                $var(r5) = typeof("$hdr(X-None)", "nothing");
                $var(r6) = typeof("$fU", "STR");
                $var(r7) = typeof("$fU", "x");
                $var(r8) = not_empty("$fU");
                $var(r9) = not_empty("$var(i)");
                $var(r10) = not_empty("$var(e)");
                $var(r11) = is_int("$sp");
            }
            """) else { return }
        let run = script.run()
        let values = (0...11).map { run.variable("r\($0)").intValue }
        #expect(values == [1, -1, -1, 1, 1, 1, 1, -1, 1, -1, -1, 1])
    }

    @Test func argumentsAreCheckedWhenTheScriptLoads() {
        let errors = ModuleScript.errors("""
            request_route {
                pv_unset("$ci");
                pv_isset("$nosuchpv");
                is_int("plain text");
                typeof("$var(x)", $var(t));
            }
            """)
        #expect(errors.count == 4)
        guard errors.count == 4 else { return }
        #expect(errors[0].contains("read-only"))
        #expect(errors[1].contains("nosuchpv"))
        #expect(errors[2].contains("pseudo-variable"))
        #expect(errors[3].hasPrefix("typeof: the type must be written as a constant"))
    }
}
