import Testing

@testable import TernScript

/// An expression as a fully parenthesised string, to check precedence.
func render(_ e: Expression) -> String {
    switch e {
    case .int(let i, _): return String(i)
    case .string(let s, _): return "\"\(s)\""
    case .pseudoVariable(let p): return p.syntax.text
    case .identifier(let n, _): return n
    case .ipv4(let t, _), .ipv6(let t, _): return t
    case .keyword(let k, _): return k.rawValue
    case .myself: return "myself"
    case .call(let c): return "\(c.name)(\(c.arguments.map(render).joined(separator: ", ")))"
    case .unary(let op, let x, _): return "(\(op.rawValue) \(render(x)))"
    case .binary(let op, let a, let b, _): return "(\(render(a)) \(op.rawValue) \(render(b)))"
    case .cast(let t, let x, _): return "((\(t.rawValue))\(render(x)))"
    case .invalid: return "<invalid>"
    }
}

/// Parses `request_route { if (EXPR) {} }` and renders the condition.
func parseCondition(_ text: String) -> String {
    let (ast, diagnostics) = ConfigLoader.parse(
        ConfigLoadRequest(path: "main.cfg"),
        provider: InMemorySourceProvider(files: ["main.cfg": "request_route { if (\(text)) { exit; } }"]))
    guard diagnostics.isEmpty, case .route(let r)? = ast.items.first, case .ifElse(let c, _, _, _)? = r.body.first else {
        return "parse failed: \(diagnostics.map(\.summary))"
    }
    return render(c)
}

func parse(_ text: String) -> (ConfigAST, [Diagnostic]) {
    ConfigLoader.parse(ConfigLoadRequest(path: "main.cfg"), provider: InMemorySourceProvider(files: ["main.cfg": text]))
}

@Suite struct ParserTests {
    @Test func arithmeticPrecedence() {
        #expect(parseCondition("1 + 2 * 3 - 4") == "((1 + (2 * 3)) - 4)")
        #expect(parseCondition("10 / 2 mod 3") == "((10 / 2) mod 3)")
    }

    @Test func bitOperatorsBindLooserThanComparisons() {
        #expect(parseCondition("$x & 4 == 4") == "($x & (4 == 4))")
        #expect(parseCondition("1 << 4 | 1") == "((1 << 4) | 1)")
        // Kamailio's order, unlike C: '^' binds tighter than '&', which binds tighter than '|'.
        #expect(parseCondition("$a | $b ^ $c & $d") == "($a | (($b ^ $c) & $d))")
    }

    @Test func logicalOperators() {
        #expect(parseCondition("$a || $b && $c") == "($a || ($b && $c))")
        #expect(parseCondition("$a or $b and not $c") == "($a || ($b && (! $c)))")
        #expect(parseCondition("!$a == 1") == "((! $a) == 1)")
    }

    @Test func comparisonsAndConcatenation() {
        #expect(parseCondition("$a + \"x\" == \"yx\"") == "(($a + \"x\") == \"yx\")")
        #expect(parseCondition("$a > 1 == 1") == "(($a > 1) == 1)")
        #expect(parseCondition("$a eq $b || $c ieq 3") == "(($a eq $b) || ($c ieq 3))")
    }

    @Test func unaryCastAndDefined() {
        #expect(parseCondition("(int)$hdr(Expires) + 3") == "(((int)$hdr(Expires)) + 3)")
        #expect(parseCondition("defined $avp(x) && -$y < ~0") == "((defined $avp(x)) && ((- $y) < (~ 0)))")
        #expect(parseCondition("-5 + 2") == "(-5 + 2)")
    }

    @Test func conditionKeywords() {
        #expect(parseCondition("method == \"INVITE\" && uri == myself") == "((method == \"INVITE\") && (uri == myself))")
        #expect(parseCondition("src_ip == 10.0.0.0/8") == "(src_ip == (10.0.0.0 / 8))")
        #expect(parseCondition("msg:len > 1000") == "(msg:len > 1000)")
        #expect(parseCondition("proto == UDP") == "(proto == UDP)")
    }

    @Test func callsAndRoutes() {
        #expect(parseCondition("is_method(\"INVITE|ACK\") && route(CHECK)") == "(is_method(\"INVITE|ACK\") && route(CHECK))")
        #expect(parseCondition("!t_relay()") == "(! t_relay())")
        #expect(parseCondition("f(udp:1.2.3.4:5060, 1)") == "f(\"udp:1.2.3.4:5060\", 1)")
    }

    @Test func ifWithoutParentheses() {
        let (ast, d) = parse("request_route { if $x == 1 { exit; } else if ($y) drop; }")
        #expect(d.isEmpty)
        guard case .route(let r)? = ast.items.first, case .ifElse(_, let then, let otherwise?, _)? = r.body.first else {
            Issue.record("no if statement")
            return
        }
        #expect(then.count == 1)
        guard case .ifElse? = otherwise.first else {
            Issue.record("else branch is not an if")
            return
        }
    }

    @Test func routeBlockKinds() {
        let (ast, d) = parse("""
            route { exit; }
            route[1] { return; }
            route["QUOTED"] { return; }
            failure_route[MANAGE_FAILURE] { exit; }
            onreply_route[MANAGE_REPLY] { exit; }
            onreply_route { drop; }
            branch_route[B] { exit; }
            onsend_route { exit; }
            event_route[tm:branch-failure:X] { exit; }
            """)
        #expect(d.isEmpty)
        let kinds = ast.items.compactMap { item -> String? in
            guard case .route(let r) = item else { return nil }
            return "\(r.kind.keyword)[\(r.name ?? "")]"
        }
        #expect(kinds == [
            "request_route[]", "route[1]", "route[QUOTED]", "failure_route[MANAGE_FAILURE]", "onreply_route[MANAGE_REPLY]",
            "reply_route[]", "branch_route[B]", "onsend_route[]", "event_route[tm:branch-failure:X]",
        ])
    }

    @Test func globalsAndListen() {
        let (ast, d) = parse("""
            debug=-1
            log_stderror=yes
            listen=udp:127.0.0.1:5070
            listen=tcp:[::1]:5060 advertise 1.2.3.4:5080 name "pub"
            alias=sip.example.com:5060
            log_facility=LOG_LOCAL0
            mpath="/usr/lib/modules/"
            flags FLT_ACC:1, FLT_X
            """)
        #expect(d.isEmpty)
        var seen: [String] = []
        for item in ast.items {
            switch item {
            case .global(let g):
                switch g.value {
                case .int(let i): seen.append("\(g.name)=\(i)")
                case .string(let s): seen.append("\(g.name)=\"\(s)\"")
                case .identifier(let w): seen.append("\(g.name)=\(w)")
                case .address(let t, let a, let n): seen.append("\(g.name)=\(t) \(a ?? "-") \(n ?? "-")")
                case .addressList: seen.append("\(g.name)=list")
                }
            case .flags(let f): seen.append("flags " + f.map { "\($0.name):\($0.bit.map(String.init) ?? "?")" }.joined(separator: ","))
            default: break
            }
        }
        #expect(seen == [
            "debug=-1", "log_stderror=1", "listen=udp:127.0.0.1:5070 - -", "listen=tcp:[::1]:5060 1.2.3.4:5080 pub",
            "alias=sip.example.com:5060 - -", "log_facility=LOG_LOCAL0", "mpath=\"/usr/lib/modules/\"", "flags FLT_ACC:1,FLT_X:?",
        ])
    }

    @Test func switchWithCases() {
        let (ast, d) = parse("""
            request_route {
                switch ($rU) {
                    case "a":
                    case /"^b":
                        exit;
                    default:
                        break;
                }
            }
            """)
        #expect(d.isEmpty)
        guard case .route(let r)? = ast.items.first, case .switchStatement(_, let cases, _)? = r.body.first else {
            Issue.record("no switch")
            return
        }
        #expect(cases.count == 3)
    }

    @Test func missingSemicolonIsReportedAfterThePreviousToken() {
        let (_, d) = parse("request_route {\n    exit\n}")
        #expect(d.count == 1)
        #expect(d.first?.location == SourceLocation(file: "main.cfg", line: 2, column: 9))
    }

    @Test func kamailioOperatorsThatDoNotExist() {
        let (_, d) = parse("request_route {\n $var(x) += 1;\n if ($a !~ \"x\") { exit; }\n if (5 % 2) { exit; }\n}")
        #expect(d.count == 3)
        #expect(d.map(\.location.line) == [2, 3, 4])
    }
}

@Suite struct BareCoreActionTests {
    private func parse(_ body: String) -> (items: [Statement], errors: [String]) {
        let (ast, diagnostics) = ConfigLoader.parse(
            ConfigLoadRequest(path: "main.cfg"),
            provider: InMemorySourceProvider(files: ["main.cfg": "request_route { \(body) }"]))
        guard case .route(let r)? = ast.items.first else { return ([], diagnostics.map(\.summary)) }
        return (r.body, diagnostics.map(\.summary))
    }

    @Test func coreActionsParseWithoutParentheses() {
        let parsed = parse("force_rport; revert_uri; set_reply_close;")
        #expect(parsed.errors.isEmpty)
        let names = parsed.items.compactMap { statement -> String? in
            if case .call(let call) = statement { return call.name }
            return nil
        }
        #expect(names == ["force_rport", "revert_uri", "set_reply_close"])
    }

    @Test func otherBareWordsAreStillErrors() {
        let parsed = parse("sl_send_reply;")
        #expect(parsed.errors.count == 1)
        #expect(parsed.errors.first?.contains("unknown statement 'sl_send_reply'") == true)
    }
}
