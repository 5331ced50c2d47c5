import Foundation
import SIPCore
import TernTestSupport
import Testing

@testable import TernModules

/// textops header functions, checked on the bytes the message would be sent with.
@Suite struct TextOpsHeaderTests {
    let message = ScriptTestHarness.request(extra: ["Subject: first", "X-A: 1", "Subject: second", "X-B: 2", "P-Custom: c"])

    @Test func appendAndInsertWithAndWithoutAnchor() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = append_hf("X-End: $fU\r\n");
                $var(b) = append_hf("X-After-Subject: 1\r\n", "Subject");
                $var(c) = insert_hf("X-Top: 1\r\n");
                $var(d) = insert_hf("X-Before-Subject: 1\r\n", "subject");
                $var(e) = append_hf("X-Missing-Anchor: 1\r\n", "X-None");
                $var(f) = insert_hf("X-Missing-Anchor-2: 1\r\n", "X-None");
            }
            """#))
        let run = h.run(message)
        for name in ["a", "b", "c", "d", "e", "f"] { #expect(run.variable(name) == .int(1), "\(name)") }
        #expect(ScriptTestHarness.headerLines(try run.edited) == [
            "X-Top: 1", "X-Missing-Anchor-2: 1",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds", "Max-Forwards: 70", "To: <sip:bob@example.com>",
            "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com", "CSeq: 314159 INVITE",
            "X-Before-Subject: 1", "Subject: first", "X-A: 1", "Subject: second", "X-After-Subject: 1", "X-B: 2",
            "P-Custom: c", "Content-Length: 0", "X-End: alice", "X-Missing-Anchor: 1",
        ])
    }

    @Test func appendedHeaderIsNotVisibleToHdrInTheSameRoute() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                append_hf("X-New: 1\r\n");
                $var(seen) = $hdr(X-New);
                $var(present) = is_present_hf("X-New");
            }
            """#))
        let run = h.run(message)
        #expect(run.variable("seen") == .null || run.variable("seen") == .int(0))
        #expect(run.variable("present") == .int(-1))
    }

    @Test func appendingNothingFails() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(x) = ""; $var(a) = append_hf("$var(x)"); }"#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(-1))
        #expect(run.context.edits.isEmpty)
    }

    @Test func appendURIHeaderUsesTheReceivedRequestURI() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $ru = "sip:changed@example.net";
                $var(a) = append_urihf("X-Orig: <", ">\r\n");
            }
            """#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(ScriptTestHarness.headerLines(try run.edited).last == "X-Orig: <sip:bob@example.com>")
    }

    @Test func removeHeaderRemovesEveryLineOfThatName() throws {
        let folded = ScriptTestHarness.message([
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1",
            "v: SIP/2.0/UDP 192.0.2.11:5060;branch=z9hG4bK2",
            "From: <sip:a@b>;tag=1", "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 INVITE",
            "Subject: folded", " continuation", "X-Keep: 1",
        ])
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = remove_hf("subject");
                $var(b) = remove_hf("Via");
                $var(c) = remove_hf("X-None");
            }
            """#))
        let run = h.run(folded)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(-1))
        // The compact form `v` is a Via too; the continuation line goes with its header.
        #expect(ScriptTestHarness.headerLines(try run.edited) == ["From: <sip:a@b>;tag=1", "To: <sip:c@d>", "Call-ID: x", "CSeq: 1 INVITE", "X-Keep: 1", "Content-Length: 0"])
    }

    @Test func removeByRegexAndExpression() throws {
        let re = try #require(ModuleTestHarness(#"request_route { $var(a) = remove_hf_re("^(x-|p-)"); $var(b) = remove_hf_re("^zz"); }"#)).run(message)
        #expect(re.variable("a") == .int(1))
        #expect(re.variable("b") == .int(-1))
        #expect(!ScriptTestHarness.headerLines(try re.edited).contains { $0.hasPrefix("X-") || $0.hasPrefix("P-") })

        let exp = try #require(ModuleTestHarness(#"request_route { $var(a) = remove_hf_exp("^(x-|p-)", "^x-b$"); }"#)).run(message)
        #expect(exp.variable("a") == .int(1))
        let lines = ScriptTestHarness.headerLines(try exp.edited)
        #expect(lines.contains("X-B: 2"))
        #expect(!lines.contains("X-A: 1"))
        #expect(!lines.contains("P-Custom: c"))
    }

    /// Kamailio 5.6.3 returns 2 for an index past the last header and 1 for a negative index
    /// reaching before the first.
    @Test func removeByIndex() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = remove_hf_idx("Subject", 1);
                $var(b) = remove_hf_idx("Subject", 5);
                $var(c) = remove_hf_idx("X-A", -1);
                $var(d) = remove_hf_idx("X-A", -4);
            }
            """#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(2))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(1))
        let lines = ScriptTestHarness.headerLines(try run.edited)
        #expect(lines.contains("Subject: first"))
        #expect(!lines.contains("Subject: second"))
        #expect(!lines.contains("X-A: 1"))
    }

    @Test func removeByValueMatch() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = remove_hf_match("Subject", "eq", "second");
                $var(b) = remove_hf_match("Subject", "in", "zzz");
                $var(c) = remove_hf_match("Subject", "re", "^FIR");
                $var(d) = remove_hf_match("X-B", "ne", "2");
            }
            """#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(-2))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(-2))
        #expect(!ScriptTestHarness.headerLines(try run.edited).contains { $0.hasPrefix("Subject") })
        #expect(ModuleTestHarness.errors(#"request_route { remove_hf_match("X", "gt", "1"); }"#).first?.contains("unknown operator 'gt'") == true)
    }

    @Test func dynamicNameVariants() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(n) = "X-A";
                $var(r) = "^p-";
                $var(a) = is_present_hf_pv("$var(n)");
                $var(b) = is_present_hf_re_pv("$var(r)");
                $var(c) = remove_hf_pv("$var(n)");
                $var(d) = remove_hf_re_pv("$var(r)");
                $var(e) = remove_hf_exp_pv("^x-", "^x-a");
                $var(f) = remove_hf_pv("X-Nothing");
            }
            """#))
        let run = h.run(message)
        for name in ["a", "b", "c", "d", "e", "f"] { #expect(run.variable(name) == .int(1), "\(name)") }
        let lines = ScriptTestHarness.headerLines(try run.edited)
        #expect(!lines.contains { $0.hasPrefix("X-") || $0.hasPrefix("P-") })
    }

    @Test func presenceTests() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = is_present_hf("x-a");
                $var(b) = is_present_hf("t");
                $var(c) = is_present_hf("X-None");
                $var(d) = is_present_hf_re("^p-cus");
                $var(e) = is_present_hf_re("^q");
            }
            """#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(-1))
        #expect(run.variable("d") == .int(1))
        #expect(run.variable("e") == .int(-1))
    }

    @Test func emptyHeaderNameIsAConfigError() {
        #expect(ModuleTestHarness.errors(#"request_route { remove_hf(""); }"#).first?.contains("empty header name") == true)
        #expect(ModuleTestHarness.errors(#"request_route { append_hf("X: 1\r\n", ""); }"#).first?.contains("empty header name") == true)
    }

    /// Kamailio 5.6.3's 404 carries X-Reply, then Date, between CSeq and Server.
    @Test func appendToReplyGoesIntoLocalReplies() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                append_to_reply("X-Reply: $rU\r\n");
                append_time();
                sl_send_reply("404", "Not Here");
            }
            """#))
        let run = h.run(message)
        let reply = try #require(run.replies.first)
        #expect(reply.statusCode == 404)
        #expect(reply.value(of: "X-Reply") == "bob")
        let text = String(decoding: reply.bytes, as: UTF8.self)
        #expect(text.contains("CSeq: 314159 INVITE\r\nX-Reply: bob\r\nDate: "))
        let date = try #require(reply.value(of: "Date"))
        #expect(text.contains(" GMT\r\nServer: "))
        #expect(date.range(of: #"^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$"#, options: .regularExpression) != nil)
        // The message itself is not changed.
        #expect(run.context.edits.isEmpty)
    }

    @Test func appendToReplyIsNotForReplyRoutes() {
        let errors = ModuleTestHarness.errors(#"request_route { } onreply_route { append_to_reply("X: 1\r\n"); }"#)
        #expect(errors.first?.contains("cannot be used in reply_route") == true)
    }

    @Test func appendTimeToRequestGoesAfterTheFirstHeader() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = append_time_to_request(); }"#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        let lines = ScriptTestHarness.headerLines(try run.edited)
        #expect(lines[0].hasPrefix("Via: "))
        #expect(lines[1].hasPrefix("Date: ") && lines[1].hasSuffix(" GMT"))
    }

    @Test func dateHeaderFormat() {
        // 1994-11-06 08:49:37 UTC, RFC 1123's example.
        #expect(String(decoding: TextOpsRequest.dateHeader(784_111_777), as: UTF8.self) == "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
    }
}
