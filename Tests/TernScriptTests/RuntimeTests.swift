import SIPCore
import Testing

@testable import TernScript

/// Loads `text` with the probe module and runs request_route once; returns what `record()` saw.
func runRecording(_ text: String, message: SIPMessage = sipRequest(), worker: WorkerScriptState = WorkerScriptState(),
                  sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (values: [String], outcome: RouteOutcome?) {
    let recorder = Recorder()
    guard let config = loadValid("loadmodule \"probe\"\n" + text, symbols: TestModules.symbols(recorder), sourceLocation: sourceLocation) else {
        return ([], nil)
    }
    let (outcome, _) = runRequest(config, message, worker: worker)
    return (recorder.values, outcome)
}

@Suite struct TruthRuleTests {
    @Test func subRouteValueIsItsLastAction() {
        let (values, _) = runRecording("""
            route[NEG] { ret(-1); }
            route[POS] { ret(5); }
            request_route {
                if (route(NEG)) { record("neg true"); } else { record("neg false"); }
                if (route(POS)) { record("pos true"); }
                route(NEG);
                record("rc=$rc");
            }
            """)
        #expect(values == ["neg false", "pos true", "rc=-1"])
    }

    @Test func negativeIsFalseAndCallsAreBooleanisedInExpressions() {
        let (values, _) = runRecording("""
            request_route {
                if (ret(-2)) { record("true"); } else { record("false"); }
                if (!ret(-2)) { record("not negative is true"); }
                $var(raw) = ret(-2);
                $var(sum) = ret(7) + 10;
                if (ret(3) == 3) { record("eq3"); }
                if (ret(3) == 1) { record("eq1"); }
                record("$var(raw) $var(sum)");
            }
            """)
        #expect(values == ["false", "not negative is true", "eq1", "-2 11"])
    }

    @Test func zeroFromAFunctionStopsTheScript() {
        let (values, outcome) = runRecording("request_route {\n record(\"a\");\n ret(0);\n record(\"b\");\n}")
        #expect(values == ["a"])
        #expect(outcome?.exited == true)
        #expect(outcome?.returnCode == 0)
    }

    @Test func zeroInsideAConditionStopsTheScript() {
        let (values, outcome) = runRecording("request_route {\n if (ret(0)) { record(\"then\"); } else { record(\"else\"); }\n record(\"after\");\n}")
        #expect(values == [])
        #expect(outcome?.exited == true)
    }

    @Test func returnZeroInASubRouteStopsEverything() {
        let (values, outcome) = runRecording("route[Z] { return 0; }\nrequest_route {\n route(Z);\n record(\"after\");\n}")
        #expect(values == [])
        #expect(outcome?.exited == true)
    }

    @Test func returnValuesAndRc() {
        let (values, outcome) = runRecording("""
            route[R] { return -5; record("never"); }
            route[S] { return; }
            route[E] { exit; }
            request_route {
                route(R);
                record("$rc $retcode $?");
                route(S);
                record("$rc");
                ret(-3);
                record("$rc");
                route(E);
                record("after exit");
            }
            """)
        #expect(values == ["-5 -5 -5", "1", "-3"])
        #expect(outcome?.exited == true)
    }

    @Test func requestRouteReturnValue() {
        let (_, outcome) = runRecording("request_route {\n return 7;\n}")
        #expect(outcome == RouteOutcome(returnCode: 7, dropped: false, exited: false))
        let (_, dropped) = runRecording("request_route {\n drop;\n}")
        #expect(dropped == RouteOutcome(returnCode: 0, dropped: true, exited: true))
        let (_, exited) = runRecording("request_route {\n exit;\n}")
        #expect(exited == RouteOutcome(returnCode: 1, dropped: false, exited: true))
    }

    @Test func breakLeavesTheLoopOnly() {
        let (values, _) = runRecording("""
            request_route {
                $var(i) = 0;
                while ($var(i) < 10) {
                    $var(i) = $var(i) + 1;
                    if ($var(i) == 3) { break; }
                }
                record("$var(i)");
            }
            """)
        #expect(values == ["3"])
    }
}

@Suite struct ControlFlowTests {
    @Test func whileStopsAfterOneHundredIterations() {
        let (values, outcome) = runRecording("""
            request_route {
                $var(i) = 0;
                while (1) { $var(i) = $var(i) + 1; }
                record("$var(i)");
            }
            """)
        #expect(values == ["100"])
        #expect(outcome?.exited == false)
    }

    @Test func maxWhileLoopsChangesTheCap() {
        let (values, _) = runRecording("max_while_loops=5\nrequest_route {\n $var(i) = 0;\n while ($var(i) >= 0) { $var(i) = $var(i) + 1; }\n record(\"$var(i)\");\n}")
        #expect(values == ["5"])
    }

    @Test func switchFallsThroughUntilBreak() {
        let script = """
            request_route {
                switch ($var(x)) {
                    case 1:
                        record("one");
                    case 2:
                        record("two");
                        break;
                    case 3:
                        record("three");
                    default:
                        record("default");
                }
                record("end");
            }
            """
        let recorder = Recorder()
        guard let config = loadValid("loadmodule \"probe\"\n" + script, symbols: TestModules.symbols(recorder)) else { return }
        var seen: [[String]] = []
        for x in [1, 2, 3, 9] {
            let worker = WorkerScriptState()
            worker.setVariable(VariableSlots.slot(for: "x"), .int(x))
            recorder.values = []
            _ = runRequest(config, worker: worker)
            seen.append(recorder.values)
        }
        #expect(seen == [["one", "two", "end"], ["two", "end"], ["three", "default", "end"], ["default", "end"]])
    }

    @Test func stringSwitchWithRegexCases() {
        let (values, _) = runRecording("""
            request_route {
                switch ($rU) {
                    case "alice": record("alice"); break;
                    case /"^B": record("upper B"); break;
                    case /"^b": record("lower b");
                    case "carol": record("carol"); break;
                }
            }
            """)
        #expect(values == ["lower b", "carol"])
    }

    @Test func dynamicRouteCall() {
        let (values, _) = runRecording("""
            route[A] { record("in A"); }
            request_route {
                $var(r) = "A";
                route($var(r));
                $var(r) = "MISSING";
                route($var(r));
                // A route that is not found leaves $rc alone, and the call is false.
                record("rc=$rc");
                if (!route($var(r))) { record("missing is false"); }
            }
            """)
        #expect(values == ["in A", "rc=1", "missing is false"])
    }

    @Test func elseIfChains() {
        let (values, _) = runRecording("""
            request_route {
                if (method == "BYE") { record("bye"); }
                else if (method == "invite") { record("invite"); }
                else { record("other"); }
            }
            """)
        #expect(values == ["invite"])
    }
}

@Suite struct ExpressionTests {
    func evaluate(_ expression: String) -> String? {
        let (values, _) = runRecording("request_route {\n $var(out) = \(expression);\n record(\"$var(out)\");\n}")
        return values.first
    }

    @Test func leftOperandDecidesPlus() {
        #expect(evaluate("\"5\" + 1") == "51")
        #expect(evaluate("\"n=\" + 5") == "n=5")
        #expect(evaluate("\"abc\" + 3 + 4") == "abc34")
        #expect(evaluate("(str)42 + 1") == "421")
        #expect(evaluate("(int)\"12\" + 3") == "15")
    }

    @Test func leftOperandDecidesPlusAtRunTime() {
        let (values, _) = runRecording("""
            request_route {
                $var(s) = "5";
                $var(n) = 5;
                $var(a) = $var(s) + 1;
                $var(b) = $var(n) + "1";
                $var(c) = $var(n) + "abc";
                record("$var(a) $var(b) $var(c)");
            }
            """)
        #expect(values == ["51 6 5"])
    }

    @Test func integerArithmetic() {
        #expect(evaluate("7 / 2") == "3")
        #expect(evaluate("-7 / 2") == "-3")
        #expect(evaluate("7 mod 3") == "1")
        #expect(evaluate("1 << 4 | 1") == "17")
        #expect(evaluate("5 ^ 3") == "6")
        #expect(evaluate("0x10 + 010 + 101b") == "29")
        #expect(evaluate("!5") == "0")
        #expect(evaluate("~0") == "-1")
        #expect(evaluate("selval(1 > 2, \"yes\", \"no\")") == "no")
        #expect(evaluate("strlen(\"hello\")") == "5")
    }

    @Test func integersAre32BitAndWrap() {
        #expect(evaluate("2147483647 + 1") == "-2147483648")
        #expect(evaluate("65536 * 65536") == "0")
    }

    @Test func stringsConvertToIntegers() {
        #expect(evaluate("(int)\"42abc\"") == "0")
        #expect(evaluate("(int)\"0x1A\"") == "26")
        #expect(evaluate("(int)\"-12\"") == "-12")
        #expect(evaluate("(int)\"+12\"") == "12")
        #expect(evaluate("(int)\" 12\"") == "0")
        #expect(evaluate("(int)\"4294967295\"") == "0")
        #expect(evaluate("\"\" + 5") == "5")
        #expect(evaluate("$null + 5") == "5")
    }

    @Test func shiftsUseTheCountModulo32() {
        #expect(evaluate("1 << 32") == "1")
        #expect(evaluate("1 << 40") == "256")
        #expect(evaluate("-8 >> 1") == "-4")
        #expect(evaluate("5 mod -3") == "2")
        #expect(evaluate("-7 mod 3") == "-1")
    }

    @Test func comparisons() {
        let (values, _) = runRecording("""
            request_route {
                if ($var(unset) == 0) { record("unset==0"); }
                if ($var(unset) == $null) { record("unset==null"); }
                if ($var(unset) == "") { record("unset==empty"); }
                if (defined $var(unset)) { record("defined var"); }
                if ($hdr(X-None) == $null) { record("hdr null"); }
                if ($hdr(X-None) == "") { record("hdr empty"); }
                if (!defined $hdr(X-None)) { record("hdr undefined"); }
                $var(s) = "abc";
                if ($var(s) == "abc" && $var(s) != "ABC") { record("case-sensitive"); }
                if ($var(s) =~ "^A") { record("regex ignores case"); }
                if ($var(s) > 0) { record("abc>0"); }
                if ($var(s) eq "abc" && 10 ieq 10 && 10 eq "10") { record("eq ieq"); }
                $var(z) = 0;
                if ($var(z) != "") { record("zero != empty"); }
                if (!($var(z) == "")) { record("zero == empty is false"); }
                if ($var(z) == "abc") { record("zero == abc"); }
                $var(e) = "";
                if ($var(z) == $var(e)) { record("zero == empty var"); }
                if ($var(e) == 0) { record("empty var == 0"); }
                if (strempty($var(s))) { record("empty"); }
            }
            """)
        #expect(values == ["unset==0", "defined var", "hdr null", "hdr empty", "hdr undefined", "case-sensitive", "regex ignores case",
                           "eq ieq", "zero == empty is false", "zero == abc", "zero == empty var"])
    }

    @Test func stringValuedPseudoVariablesConcatenate() {
        let (values, _) = runRecording("""
            request_route {
                $var(a) = $rp + 1;
                $var(b) = $rp - 1;
                $var(c) = $cs + 1;
                record("$var(a) $var(b) $var(c)");
            }
            """)
        #expect(values == ["50601 5059 3141591"])
    }
}

@Suite struct ConditionTests {
    @Test func methodComparesCaseInsensitively() {
        let script = """
            request_route {
                if (method == "invite") { record("invite"); }
                if (method == INVITE) { record("bare word"); }
                if (method != "ACK") { record("not ack"); }
                if (method =~ "^inv") { record("regex"); }
                if (method == "MSRP") { record("msrp"); }
            }
            """
        #expect(runRecording(script).values == ["invite", "bare word", "not ack", "regex"])
        #expect(runRecording(script, message: sipRequest("MSRP")).values == ["not ack", "msrp"])
    }

    @Test func methodOfAReplyIsTheCSeqMethod() {
        let recorder = Recorder()
        guard let config = loadValid("loadmodule \"probe\"\nreply_route {\n if (method == \"INVITE\" && status =~ \"^2\") { record(\"$rs $rm\"); }\n}",
                                     symbols: TestModules.symbols(recorder)) else { return }
        let ctx = makeContext(sipReply(status: 200))
        _ = config.script.run(.coreReply, ctx)
        #expect(recorder.values == ["200 INVITE"])
    }

    @Test func uriAndMyself() {
        let script = """
            listen=udp:127.0.0.1:5070
            alias=proxy.example.com
            request_route {
                if (uri == myself) { record("uri is myself"); }
                if (myself == uri) { record("reversed"); }
                if (from_uri == myself) { record("from is myself"); }
                if (to_uri != myself) { record("to is not myself"); }
                if (uri == "SIP:Bob@127.0.0.1:5070") { record("uri text"); }
                if (uri =~ "^sip:bob@") { record("uri regex"); }
            }
            """
        #expect(runRecording(script, message: sipRequest(uri: "sip:bob@127.0.0.1:5070")).values
                == ["uri is myself", "reversed", "to is not myself", "uri text", "uri regex"])
        #expect(runRecording(script, message: sipRequest(uri: "sip:bob@127.0.0.1")).values == ["to is not myself", "uri regex"])
        #expect(runRecording(script, message: sipRequest(uri: "sip:bob@PROXY.example.com:5999", from: "<sip:a@proxy.example.com>;tag=1")).values
                == ["uri is myself", "reversed", "from is myself", "to is not myself", "uri regex"])
    }

    @Test func addressConditions() {
        let (values, _) = runRecording("""
            request_route {
                if (src_ip == 192.0.2.10) { record("ip"); }
                if (src_ip == 192.0.2.0/24) { record("net"); }
                if (src_ip == 192.0.2.0/255.255.255.0) { record("mask"); }
                if (src_ip != 10.0.0.0/8) { record("not ten"); }
                if (src_ip == "192.0.2.10") { record("string"); }
                if (dst_ip == 127.0.0.1 && dst_port == 5070) { record("local"); }
                if (src_port == 5062 && src_port > 5000 && 6000 > src_port) { record("port"); }
                if (proto == UDP && proto != tcp) { record("udp"); }
                if (af == INET && af != INET6) { record("inet"); }
                if (msg:len > 100) { record("long"); }
            }
            """)
        #expect(values == ["ip", "net", "mask", "not ten", "string", "local", "port", "udp", "inet", "long"])
    }
}

@Suite struct PseudoVariableTests {
    let message = sipRequest(
        "INVITE", uri: "sip:bob@biloxi.example.com:5080;transport=udp",
        from: "\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774", to: "Bob <sip:bob@biloxi.example.com>",
        callID: "call-1@host", cseq: 17, extraHeaders: ["User-Agent: TestUA/1.0", "X-Multi: a", "X-Multi: b"])

    func values(_ format: String) -> String? {
        runRecording("request_route {\n record(\"\(format)\");\n}", message: message).values.first
    }

    @Test func requestLine() {
        #expect(values("$rm|$ru|$rU|$rd|$rp") == "INVITE|sip:bob@biloxi.example.com:5080;transport=udp|bob|biloxi.example.com|5080")
        #expect(values("$ml") == String(message.bytes.count))
    }

    @Test func headers() {
        #expect(values("$ci|$cs|$ua") == "call-1@host|17|TestUA/1.0")
        #expect(values("$fu|$fU|$fd|$ft") == "sip:alice@atlanta.example.com|alice|atlanta.example.com|1928301774")
        #expect(values("$tu|$tU|$td|$tt") == "sip:bob@biloxi.example.com|bob|biloxi.example.com|<null>")
        #expect(values("$hdr(X-Multi)|$(hdr(x-multi)[1])|$(hdr(X-Multi)[-1])|$(hdr(X-Multi)[*])") == "a|b|b|a,b")
        #expect(values("$hdr(f)") == "\"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774")
        #expect(values("$hdr(X-None)") == "<null>")
        #expect(values("$hdrc(X-Multi)") == "2")
    }

    @Test func network() {
        #expect(values("$si:$sp $Ri:$Rp $pr $proto") == "192.0.2.10:5062 127.0.0.1:5070 udp udp")
    }

    @Test func controlAndTime() {
        #expect(values("$$var $null") == "$var <null>")
        let pid = values("$pp")
        #expect(pid.flatMap { Int($0) } ?? 0 > 0)
        let ts = values("$Ts").flatMap { Int($0) } ?? 0
        #expect(ts > 1_600_000_000)
        let tf = values("$Tf") ?? ""
        #expect(tf.count >= 24 && !tf.hasSuffix("\n"))
        #expect(values("$TF").map { $0.count >= 24 } == true)
        let random = values("$RANDOM").flatMap { Int($0) } ?? -1
        #expect(random >= 0)
    }

    @Test func fullFormsAndAliases() {
        #expect(values("$(rU)-${rU}-$(hdr(X-Multi)[1])-${hdr(X-Multi)}") == "bob-bob-b-a")
        #expect(values("$(rU{s.len}) $(fd{s.toupper}) $(ci{s.substr,0,4})") == "3 ATLANTA.EXAMPLE.COM call")
        #expect(values("$fU.x") == "alice.x")
    }

    @Test func variablesPersistPerWorker() {
        let recorder = Recorder()
        guard let config = loadValid("""
            loadmodule "probe"
            request_route {
                $var(cnt) = $var(cnt) + 1;
                record("$var(cnt)");
                $var(gone) = $null;
                record("$var(gone)");
            }
            """, symbols: TestModules.symbols(recorder)) else { return }
        let w1 = WorkerScriptState()
        let w2 = WorkerScriptState()
        _ = runRequest(config, worker: w1)
        _ = runRequest(config, worker: w1)
        _ = runRequest(config, worker: w2)
        #expect(recorder.values == ["1", "0", "2", "0", "1", "0"])
        #expect(w1.variable(named: "cnt") == .int(2))
    }

    @Test func writableURIs() {
        let (values, _) = runRecording("""
            request_route {
                $du = "sip:127.0.0.1:5080";
                record("$du");
                $du = $null;
                record("$du");
                $ru = "sip:carol@chicago.example.com";
                record("$rU@$rd");
                $rU = "dave";
                $rd = "denver.example.com";
                $rp = 5090;
                record("$ru");
                $rU = $null;
                record("$ru");
            }
            """, message: message)
        #expect(values == ["sip:127.0.0.1:5080", "<null>", "carol@chicago.example.com",
                           "sip:dave@denver.example.com:5090", "sip:denver.example.com:5090"])
    }

    @Test func storeIntoAPseudoVariableNamedByAString() {
        let (values, _) = runRecording("request_route {\n store(\"$var(out)\", \"$rU at $rd\");\n record(\"$var(out)\");\n}", message: message)
        #expect(values == ["bob at biloxi.example.com"])
    }

    @Test func authCredentials() {
        let m = sipRequest("REGISTER", uri: "sip:example.com", extraHeaders: [
            "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\", response=\"0123\"",
        ])
        let (values, _) = runRecording("request_route {\n record(\"$au|$ar|$adu\");\n}", message: m)
        #expect(values == ["alice|example.com|sip:example.com"])
    }
}
