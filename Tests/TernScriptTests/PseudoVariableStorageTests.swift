import SIPCore
import Testing

@testable import TernScript

@Suite struct PseudoVariableStorageTests {
    @Test func avps() {
        // Kamailio 5.6.3 after $avp(x) = 1; $avp(x) = "two"; $avp(x) = 3:
        // avp=3 [0]=3 [1]=two [*]=3, two, 1 $cnt=3; `= $null` removes the newest (two, cnt 2);
        // `$(avp(x)[*]) = $null` removes all; `$(avp(z)[0]) = "zero"` adds on top.
        // ($(avp(x)[-1]) prints <null> in 5.6.3 because its lookup consumes the search state;
        // here -1 is the oldest value, as documented.)
        let run = runRoute("""
            $avp(x) = 1; $avp(x) = "two"; $avp(x) = 3;
            record("$avp(x)|$(avp(x)[0])|$(avp(x)[1])|$(avp(x)[-1])|$(avp(x)[*])|$cnt($avp(x))|$avp(y)");
            $avp(x) = $null;
            record("$avp(x)|$cnt($avp(x))");
            $(avp(x)[*]) = $null;
            record("$avp(x)|$cnt($avp(x))");
            $avp(i:5) = "five"; $avp(s:named) = "n";
            record("$avp(i:5)|$avp(s:named)|$avp(named)");
            $avp(z) = 1; $avp(z) = 2; $(avp(z)[0]) = "zero";
            record("$(avp(z)[*])");
            $(avp(z)[*]) = "only";
            record("$(avp(z)[*])");
            $var(n) = "z";
            record("$avp($var(n))");
            """)
        #expect(run?.values == ["3|3|two|1|3, two, 1|3|<null>", "two|2", "<null>|0", "five|n|n", "zero, 2, 1", "only", "only"])
        // An int stays an int: `+` adds.
        #expect(runRoute("$avp(n) = 4; $var(s) = $avp(n) + 1; record(\"$var(s)\");")?.values == ["5"])
        #expect(loadErrors("request_route { $avp(i:x) = 1; }").first?.message.contains("bad AVP number") == true)
    }

    @Test func avpsLiveInAReplaceableList() {
        // tm hands its own list to the contexts of one transaction; values carry over.
        let shared = AVPList()
        _ = runRoute("$avp(k) = \"kept\";") { $0.avps = shared }
        #expect(shared.first(.string("k")) == .string("kept"))
        #expect(runRoute("record(\"$avp(k)\");") { $0.avps = shared }?.values == ["kept"])
        #expect(runRoute("record(\"$avp(k)\");")?.values == ["<null>"])
    }

    @Test func xavps() {
        // Kamailio 5.6.3: $xavp(r=>a) = 1; $xavp(r[0]=>b) = "x"; $xavp(r=>a) = 2 gives
        // r=>a=2, r[0]=>b=<null>, r[1]=>a=1, r[1]=>b=x, $cnt($xavp(r))=2, missing roots <null>;
        // $xavp(r[0]=>a[0]) = "changed" replaces; $xavp(r) = $null removes the newest root.
        let run = runRoute("""
            $xavp(r=>a) = 1; $xavp(r[0]=>b) = "x"; $xavp(r=>a) = 2;
            record("$xavp(r=>a)|$xavp(r[0]=>b)|$xavp(r[1]=>a)|$xavp(r[1]=>b)|$cnt($xavp(r))|$xavp(q=>a)");
            $xavp(r[0]=>a[0]) = "changed"; $xavp(s) = "plain";
            record("$xavp(r[0]=>a)|$xavp(s)|$xavp(r[0]=>a[1])");
            $xavp(r[1]=>b) = "y";
            record("$xavp(r[1]=>b[*])|$cnt($xavp(r[1]=>b))|$cnt($xavp(r=>b))");
            $xavp(r) = $null;
            record("$cnt($xavp(r))|$xavp(r=>a)");
            $xavp(r[0]=>b) = $null;
            record("$xavp(r[0]=>b)|$xavp(r=>a)");
            """)
        #expect(run?.values == ["2|<null>|1|x|2|<null>", "changed|plain|<null>", "y, x|2|2", "1|1", "x|1"])
        guard let listText = expand("$xavp(r)", before: "$xavp(r=>a) = 1;") else { return }
        #expect(listText.hasPrefix("<<xavp:0x") && listText.hasSuffix(">>"))
    }

    @Test func sharedVariables() {
        // Kamailio 5.6.3: $shv starts as its shvset value (0 without one), `= $null` stores "",
        // ints add. The value is seen by every worker.
        SharedVariables.process.set("pvtest_init", .int(3))
        let run = runRoute("""
            record("$shv(pvtest_init)|$shv(pvtest_fresh)");
            $shv(pvtest_s) = "abc"; $shv(pvtest_init) = $null; $shv(pvtest_u) = 7; $shv(pvtest_u) = $shv(pvtest_u) + 1;
            record("$shv(pvtest_s)|[$shv(pvtest_init)]|$shv(pvtest_u)");
            """)
        #expect(run?.values == ["3|0", "abc|[]|8"])
        #expect(runRoute("record(\"$shv(pvtest_u)\");", worker: WorkerScriptState())?.values == ["8"])
        #expect(SharedVariables.process.get("pvtest_s") == .string("abc"))
    }
}
