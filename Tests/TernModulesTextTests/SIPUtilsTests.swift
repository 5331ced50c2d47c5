import Foundation
import SIPCore
import TernTestSupport
import Testing

@testable import TernModules

/// siputils functions on real messages; replies captured from the reply channel.
@Suite struct SIPUtilsTests {
    @Test func optionsReplyAnswersWithAcceptHeaders() throws {
        let h = try #require(ModuleTestHarness(#"request_route { if (is_method("OPTIONS")) { options_reply(); exit; } }"#))
        let run = h.run(ScriptTestHarness.request(method: "OPTIONS", uri: "sip:127.0.0.1:5070", extra: ["Record-Route: <sip:proxy.example.com;lr>"]))
        #expect(run.outcome.exited)
        let reply = try #require(run.replies.first)
        // The same headers, in the same order, as Kamailio 5.6.3 sends.
        #expect(reply.statusCode == 200)
        #expect(reply.reasonPhrase == "OK")
        let text = String(decoding: reply.bytes, as: UTF8.self)
        #expect(text.contains("CSeq: 314159 OPTIONS\r\nAccept: */*\r\nAccept-Encoding: \r\nAccept-Language: en\r\nSupported: \r\n"))
        #expect(reply.value(of: "Record-Route") == "<sip:proxy.example.com;lr>")
        #expect(reply.value(of: "To")?.contains(";tag=") == true)
        #expect(h.services.core.sentReplies.current == 1)
    }

    @Test func optionsReplyParametersAndRefusals() throws {
        let h = try #require(ModuleTestHarness(
            #"request_route { $var(r) = options_reply(); }"#,
            parameters: #"""
                modparam("siputils", "options_accept", "application/sdp")
                modparam("siputils", "options_support", "100rel, timer")
                """#))
        let run = h.run(ScriptTestHarness.request(method: "OPTIONS", uri: "sip:example.com"))
        #expect(run.variable("r") == .int(1))
        let reply = try #require(run.replies.first)
        #expect(reply.value(of: "Accept") == "application/sdp")
        #expect(reply.value(of: "Supported") == "100rel, timer")
        // Not an OPTIONS, or an OPTIONS for a user: no reply, false.
        let notOptions = h.run(ScriptTestHarness.request(uri: "sip:example.com"))
        #expect(notOptions.variable("r") == .int(-1))
        #expect(notOptions.replies.isEmpty)
        let forUser = h.run(ScriptTestHarness.request(method: "OPTIONS", uri: "sip:bob@example.com"))
        #expect(forUser.variable("r") == .int(-1))
        #expect(forUser.replies.isEmpty)
        #expect(ModuleTestHarness.errors(#"request_route { } failure_route[f] { options_reply(); }"#).first?.contains("cannot be used in failure_route") == true)
    }

    @Test func hasTotagAndRequestReply() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route { $var(t) = has_totag(); $var(q) = is_request(); $var(p) = is_reply(); }
            onreply_route { $var(t) = has_totag(); $var(q) = is_request(); $var(p) = is_reply(); }
            """#))
        let initial = h.run(ScriptTestHarness.request())
        #expect(initial.variable("t") == .int(-1))
        #expect(initial.variable("q") == .int(1))
        #expect(initial.variable("p") == .int(-1))
        let reply = h.run(ScriptTestHarness.message([
            "SIP/2.0 180 Ringing", "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
            "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 7 INVITE",
        ]), route: .coreReply)
        #expect(reply.variable("t") == .int(1))
        #expect(reply.variable("q") == .int(-1))
        #expect(reply.variable("p") == .int(1))
    }

    @Test func isUserComparesTheAuthorizedUsername() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = is_user("alice"); $var(b) = is_user("bob"); }"#))
        let unauthorized = h.run(ScriptTestHarness.request())
        #expect(unauthorized.variable("a") == .int(-1))
        let authorized = h.run(ScriptTestHarness.request()) { ctx in
            ctx[AuthorizedCredentials.key] = AuthorizedCredentials(username: "alice@atlanta.example.com")
        }
        #expect(authorized.variable("a") == .int(1))
        #expect(authorized.variable("b") == .int(-1))
    }

    @Test func uriParamTests() throws {
        // Kamailio 5.6.3: uri_param("transport") is false when the parameter has a value,
        // uri_param("lr") true for a parameter without one.
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = uri_param("transport");
                $var(b) = uri_param("lr");
                $var(c) = uri_param("transport", "udp");
                $var(d) = uri_param("transport", "UDP");
                $var(e) = uri_param("Transport", "udp");
                $var(f) = uri_param_any("TRANSPORT");
                $var(g) = get_uri_param("transport", "$var(value)");
                $var(h) = get_uri_param("none", "$var(none)");
            }
            """#))
        let run = h.run(ScriptTestHarness.request(uri: "sip:bob@example.com;lr;transport=udp"))
        #expect(run.variable("a") == .int(-1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(-1))
        #expect(run.variable("e") == .int(-1))
        #expect(run.variable("f") == .int(1))
        #expect(run.variable("g") == .int(1))
        #expect(run.variable("value") == .string("udp"))
        #expect(run.variable("h") == .int(-1))
    }

    @Test func addAndRemoveURIParameters() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = add_uri_param("user=phone");
                $var(ru1) = $ru;
                $var(b) = uri_param_rm("LR");
                $var(ru2) = $ru;
                $var(c) = uri_param_rm("absent");
                $var(d) = uri_param("user", "phone");
            }
            """#))
        let run = h.run(ScriptTestHarness.request(uri: "sip:bob@example.com;lr;x=1"))
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("ru1") == .string("sip:bob@example.com;lr;x=1;user=phone"))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("ru2") == .string("sip:bob@example.com;x=1;user=phone"))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(1))
        let withHeaders = h.run(ScriptTestHarness.request(uri: "sip:bob@example.com?Subject=hi"))
        #expect(withHeaders.variable("ru1") == .string("sip:bob@example.com;user=phone?Subject=hi"))
    }

    // tel2sip, set_uri_user/host, add_uri_param + uri_param_rm, is_gruu, is_tel_number and
    // cmp_hdr_name results below were also printed by Kamailio 5.6.3 for the same calls.
    @Test func tel2sip() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = tel2sip("tel:+1-(201)-555.0123;Ext=1", "example.com", "$var(sip)");
                $var(b) = tel2sip("sip:bob@example.com", "example.com", "$var(untouched)");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("sip") == .string("sip:+12015550123;ext=1@example.com;user=phone"))
        #expect(run.variable("b") == .int(2))
        #expect(run.variable("untouched") == .int(0))
    }

    @Test func e164Checks() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(n) = "+4930123456";
                $var(a) = is_e164("$var(n)");
                $var(b) = is_e164("$rU");
                $var(c) = is_uri_user_e164("$ru");
                $var(d) = is_uri_user_e164("$fu");
                $var(short) = "+1";
                $var(e) = is_e164("$var(short)");
            }
            """#))
        let run = h.run(ScriptTestHarness.request(uri: "sip:+4930123456@example.com"))
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(-1))
        #expect(run.variable("e") == .int(-1))
        // Kamailio 5.6.3 takes a pseudo-variable here, not a literal.
        #expect(ModuleTestHarness.errors(#"request_route { is_e164("+4930123"); }"#).first?.contains("pseudo-variable") == true)
    }

    @Test func setURIUserAndHost() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(u) = "sip:alice@example.com;x=1";
                $var(v) = "bob";
                $var(empty) = "";
                $var(a) = set_uri_user("$var(u)", "$var(v)");
                $var(u1) = $var(u);
                $var(b) = set_uri_host("$var(u)", "$var(v)");
                $var(u2) = $var(u);
                $var(c) = set_uri_user("$var(u)", "$var(empty)");
                $var(d) = set_uri_host("$var(u)", "$var(empty)");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("u1") == .string("sip:bob@example.com;x=1"))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("u2") == .string("sip:bob@bob;x=1"))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("u") == .string("sip:bob;x=1"))
        #expect(run.variable("d") == .int(-1))
    }

    @Test func uriComparisons() throws {
        // The cmp_uri values and the first cmp_aor one were checked with Kamailio 5.6.3. Kamailio
        // 5.6.3 also calls sip:a@h:5070 and sip:a@h:5080 the same AoR (its comparison forgets
        // ports that are both given); Tern compares the ports, as documented.
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(k) = cmp_uri("sip:a@h", "sip:a@H;transport=udp");
                $var(o) = cmp_uri("sip:a@h", "sip:a@h;user=phone");
                $var(p) = cmp_uri("sip:a@h;transport=tcp", "sip:a@h;transport=UDP");
                $var(q) = cmp_uri("sip:A@h", "sip:a@h");
                $var(r) = cmp_uri("sip:a@h", "bogus");
                $var(s) = cmp_aor("sip:a@h", "sip:a@H:5060;x=1");
                $var(t) = cmp_aor("sip:a@h:5070", "sip:a@h:5080");
                $var(u) = cmp_hdr_name("v", "Via");
                $var(w) = cmp_hdr_name("X-A", "x-a ");
                $var(x) = cmp_hdr_name("From", "X-A");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("k") == .int(1))
        #expect(run.variable("o") == .int(-1))
        #expect(run.variable("p") == .int(-1))
        #expect(run.variable("q") == .int(-1))
        #expect(run.variable("r") == .int(-2))
        #expect(run.variable("s") == .int(1))
        #expect(run.variable("t") == .int(-1))
        #expect(run.variable("u") == .int(1))
        #expect(run.variable("w") == .int(1))
        #expect(run.variable("x") == .int(-1))
    }

    @Test func isURIAndStringClasses() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = is_uri("sip:bob@example.com");
                $var(b) = is_uri("tel:+123");
                $var(c) = is_uri("http://example.com/");
                $var(d) = is_tel_number("+4930123");
                $var(e) = is_tel_number("+0123");
                $var(f) = is_numeric("0123");
                $var(g) = is_numeric("");
                $var(h) = is_alphanum("a-b");
                $var(i) = is_alphanumex("a-b", "-");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(-1))
        #expect(run.variable("d") == .int(1))
        #expect(run.variable("e") == .int(-2))
        #expect(run.variable("f") == .int(1))
        // Kamailio 5.6.3: -2 for the empty string, -3 for a non-alphanumeric character.
        #expect(run.variable("g") == .int(-2))
        #expect(run.variable("h") == .int(-3))
        #expect(run.variable("i") == .int(1))
    }

    @Test func firstHopOfRequestsAndReplies() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route { $var(r) = is_first_hop(); }
            onreply_route { $var(r) = is_first_hop(); }
            """#))
        #expect(h.run(ScriptTestHarness.request()).variable("r") == .int(1))
        let forwarded = ScriptTestHarness.request(extra: ["Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK2"])
        #expect(h.run(forwarded).variable("r") == .int(-1))

        func reply(_ recordRoute: String?) -> SIPMessage {
            ScriptTestHarness.message([
                "SIP/2.0 200 OK", "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
                "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 7 INVITE",
            ] + (recordRoute.map { ["Record-Route: \($0)"] } ?? []))
        }
        #expect(h.run(reply(nil), route: .coreReply).variable("r") == .int(1))
        // Top Record-Route is this server (the address the reply arrived on).
        #expect(h.run(reply("<sip:127.0.0.1:5070;lr>"), route: .coreReply).variable("r") == .int(1))
        // Another proxy's Record-Route.
        #expect(h.run(reply("<sip:198.51.100.7;lr>"), route: .coreReply).variable("r") == .int(-1))
        // Mode 0 wants an IP address in the Record-Route.
        let named = h.run(reply("<sip:localhost;lr>"), route: .coreReply)
        #expect(named.variable("r") == .int(-1))
    }

    @Test func supportedAndGRUU() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = is_supported("100rel");
                $var(b) = is_supported("path");
                $var(c) = is_gruu();
                $var(d) = is_gruu("sip:bob@example.com;gr=urn:uuid:1");
                $var(e) = is_gruu("sip:bob@example.com;gr");
            }
            """#))
        let run = h.run(ScriptTestHarness.request(uri: "sip:bob@example.com", extra: ["Supported: timer, 100REL", "k: gruu"]))
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(-1))
        #expect(run.variable("c") == .int(-1))
        #expect(run.variable("d") == .int(1))
        #expect(run.variable("e") == .int(2))
        #expect(ModuleTestHarness.errors(#"request_route { is_supported("foo"); }"#).first?.contains("unknown option 'foo'") == true)
    }

    @Test func dateHeaderCheck() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = hdr_date_check(60); }"#))
        #expect(h.run(ScriptTestHarness.request(extra: ["Date: Sat, 13 Nov 2010 23:29:00 GMT"])).variable("a") == .int(-4))
        #expect(h.run(ScriptTestHarness.request()).variable("a") == .int(-1))
        let now = String(decoding: TextOpsRequest.dateHeader(time(nil)), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "")
        #expect(h.run(ScriptTestHarness.request(extra: [now])).variable("a") == .int(1))
    }
}
