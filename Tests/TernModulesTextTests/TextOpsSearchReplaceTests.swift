import Foundation
import SIPCore
import TernTestSupport
import Testing

@testable import TernModules

/// textops search, search_body, search_hf, search_append*, replace* and subst*: return values
/// and the bytes of the message as it would be sent.
@Suite struct TextOpsSearchReplaceTests {
    let subject = ScriptTestHarness.request(extra: ["Subject: Hello World", "X-Tag: one", "X-Tag: two"], body: "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\n")

    @Test func searchIsCaseInsensitiveAndSeesTheFirstLine() throws {
        let h = try #require(ModuleTestHarness("""
            request_route {
                $var(a) = search("subject: hello");
                $var(b) = search("^INVITE sip:bob");
                $var(c) = search("o=alice");
                $var(d) = search("nothing here");
                $var(e) = search_body("^o=ALICE");
                $var(f) = search_body("Subject");
            }
            """))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(-1))
        #expect(run.variable("e") == .int(1))
        #expect(run.variable("f") == .int(-1))
    }

    @Test func searchSeesTheReceivedMessageNotEarlierEdits() throws {
        // Kamailio 5.6.3: append_hf("X-New: 1\r\n") then search("X-New") is false.
        let h = try #require(ModuleTestHarness("""
            request_route {
                append_hf("X-New: 1\\r\\n");
                $var(a) = search("X-New");
                remove_hf("Subject");
                $var(b) = search("Subject: Hello");
            }
            """))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(-1))
        #expect(run.variable("b") == .int(1))
        let edited = try run.edited
        #expect(edited.contains("X-New: 1\r\n"))
        #expect(!edited.contains("Subject"))
    }

    @Test func searchBodyOfMessageWithoutBodyFails() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = search_body("."); $var(b) = search_append_body(".", "x"); }"#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(-1))
        #expect(run.variable("b") == .int(-1))
        #expect(run.context.edits.isEmpty)
    }

    @Test func searchHeaderAnyFirstLast() throws {
        let h = try #require(ModuleTestHarness("""
            request_route {
                $var(any) = search_hf("X-Tag", "two", "a");
                $var(first) = search_hf("x-tag", "two", "f");
                $var(firstOne) = search_hf("X-Tag", "^one$", "f");
                $var(last) = search_hf("X-Tag", "two", "l");
                $var(lastOne) = search_hf("X-Tag", "one", "l");
                $var(missing) = search_hf("X-None", ".", "a");
                $var(compact) = search_hf("s", "world", "a");
            }
            """))
        let run = h.run(subject)
        #expect(run.variable("any") == .int(1))
        #expect(run.variable("first") == .int(-1))
        #expect(run.variable("firstOne") == .int(1))
        #expect(run.variable("last") == .int(1))
        #expect(run.variable("lastOne") == .int(-1))
        #expect(run.variable("missing") == .int(-1))
        #expect(run.variable("compact") == .int(1))
    }

    @Test func searchAppendInsertsAfterTheMatch() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = search_append("Subject: hello", " there");
                $var(b) = search_append_body("o=alice", "-x");
                $var(c) = search_append("absent", "y");
            }
            """#))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(-1))
        let edited = try run.edited
        #expect(edited.contains("Subject: Hello there World\r\n"))
        #expect(edited.contains("\r\n\r\nv=0\r\no=alice-x 1 1"))
        // The body grew by 2 bytes and Content-Length follows.
        #expect(edited.contains("Content-Length: \(subject.bodyRange.count + 2)\r\n"))
    }

    @Test func replaceFirstAndAllKeepTheRequestLine() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = replace("bob", "carol");
                $var(b) = replace_all("alice", "ALYSSA");
                $var(c) = replace("zzz", "y");
            }
            """#))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(-1))
        let edited = try run.edited
        // The first line is never touched; the first "bob" after it is in To.
        #expect(edited.hasPrefix("INVITE sip:bob@example.com SIP/2.0\r\n"))
        #expect(edited.contains("To: <sip:carol@example.com>\r\n"))
        // Case-insensitive: "Alice" in the display name was replaced too, and the body's "alice".
        #expect(edited.contains("From: \"ALYSSA\" <sip:ALYSSA@atlanta.example.com>"))
        #expect(!edited.lowercased().contains("alice"))
    }

    @Test func replaceAllAnchorMatchesOnlyAtLineStarts() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = replace_all("^X-Tag", "X-Label"); }"#))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(1))
        let lines = ScriptTestHarness.headerLines(try run.edited)
        #expect(lines.contains("X-Label: one"))
        #expect(lines.contains("X-Label: two"))
    }

    @Test func replaceBodyVariants() throws {
        let message = ScriptTestHarness.request(extra: ["Content-Type: application/sdp"], body: "a=1\r\na=2\r\nb=3\r\n")
        let first = try #require(ModuleTestHarness(#"request_route { $var(a) = replace_body("^a=", "x="); }"#)).run(message)
        #expect(first.variable("a") == .int(1))
        #expect(try first.edited.hasSuffix("\r\n\r\nx=1\r\na=2\r\nb=3\r\n"))
        let all = try #require(ModuleTestHarness(#"request_route { $var(b) = replace_body_all("=[0-9]", "=9"); }"#)).run(message)
        #expect(all.variable("b") == .int(1))
        #expect(try all.edited.hasSuffix("\r\n\r\na=9\r\na=9\r\nb=9\r\n"))
        // replace_body_atonce: one regex over the whole body, `.` crosses line ends.
        let atOnce = try #require(ModuleTestHarness(#"request_route { $var(c) = replace_body_atonce("a=1.*b", "Z"); }"#)).run(message)
        #expect(atOnce.variable("c") == .int(1))
        #expect(try atOnce.edited.hasSuffix("\r\n\r\nZ=3\r\n"))
    }

    @Test func replaceHeadersStopsBeforeTheBody() throws {
        let message = ScriptTestHarness.request(extra: ["X-A: target"], body: "target\r\n")
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = replace_hdrs("target", "hit"); $var(b) = replace_hdrs("^v=", "x"); }"#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(-1))
        let edited = try run.edited
        #expect(edited.contains("X-A: hit\r\n"))
        #expect(edited.hasSuffix("\r\n\r\ntarget\r\n"))
    }

    @Test func replaceStringFamily() throws {
        let message = ScriptTestHarness.request(extra: ["X-A: aXa", "X-B: aXa"], body: "aXa\r\n")
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(x) = "X";
                $var(a) = replace_hdrs_str("a$var(x)a", "b", "a");
                $var(b) = replace_body_str("aXa", "c", "f");
                $var(c) = replace_str("nope", "d", "a");
            }
            """#))
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        // Kamailio answers 1 even when the text is not there.
        #expect(run.variable("c") == .int(1))
        let edited = try run.edited
        #expect(edited.contains("X-A: b\r\nX-B: b\r\n"))
        #expect(edited.hasSuffix("\r\n\r\nc\r\n"))
    }

    @Test func emptyMatchEndsReplaceAllWithFailure() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = replace_all("x*", "y"); }"#))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(-1))
    }

    @Test func badRegexIsAConfigError() {
        let errors = ModuleTestHarness.errors(#"request_route { search("a(b"); }"#)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("search: bad regular expression 'a(b'") == true)
    }

    @Test func substWithGroupsAndFlags() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = subst("/^Subject: ([^ ]*) ([^\r]*)/Subject: \2 \1/");
                $var(b) = subst('/x-tag: (one|two)/X-Tag: <\1>/gi');
                $var(c) = subst('/^X-TAG/nope/');
            }
            """#))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        // Without `i` the regex is case-sensitive.
        #expect(run.variable("c") == .int(-1))
        let lines = ScriptTestHarness.headerLines(try run.edited)
        #expect(lines.contains("Subject: World Hello"))
        #expect(lines.contains("X-Tag: <one>"))
        #expect(lines.contains("X-Tag: <two>"))
    }

    @Test func dotMatchesTheCarriageReturnBeforeTheLineEnd() throws {
        // Kamailio 5.6.3 turns "Subject: a" into "Subject: a\r from alice\n" with this
        // expression: `$` matches before LF, so `(.*)` takes the CR.
        let plain = try #require(ModuleTestHarness(#"request_route { subst('/^Subject: (.*)$/Subject: \1 from alice/'); }"#))
        let run = plain.run(ScriptTestHarness.request(extra: ["Subject: a"]))
        #expect(try run.edited.contains("Subject: a\r from alice\nContent-Length: 0\r\n"))
    }

    @Test func substBodyAndHeader() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = subst_body('/IN IP4 [0-9.]+/IN IP4 203.0.113.1/');
                $var(b) = subst_hf("X-Tag", "/o/0/g", "l");
                $var(c) = subst_hf("X-Tag", "/t/T/", "f");
                $var(d) = subst_hf("X-Tag", "/e/E/", "a");
            }
            """#))
        let run = h.run(subject)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        // The first X-Tag ("one") has no "t".
        #expect(run.variable("c") == .int(-1))
        #expect(run.variable("d") == .int(1))
        let edited = try run.edited
        #expect(edited.contains("o=alice 1 1 IN IP4 203.0.113.1\r\n"))
        #expect(edited.contains("X-Tag: onE\r\nX-Tag: tw0\r\n"))
    }

    @Test func substUriAndUserRewriteTheRequestURI() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = subst_uri('/^sip:([a-z]+)@(.*)$/sip:\1-x@\2;u=1/');
                $var(ru1) = $ru;
                $var(b) = subst_user('/^bob-x$/+4930123/');
                $var(ru2) = $ru;
                $var(c) = subst_user('/^nobody$/x/');
                $var(d) = subst('/bob/\u/');
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("ru1") == .string("sip:bob-x@example.com;u=1"))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("ru2") == .string("sip:+4930123@example.com;u=1"))
        #expect(run.variable("c") == .int(-1))
        // `\u` is the current R-URI; the request line itself is rewritten when the message is sent.
        #expect(run.variable("d") == .int(1))
        #expect(ScriptTestHarness.headerLines(try run.edited).contains("To: <sip:sip:+4930123@example.com;u=1@example.com>"))
    }

    @Test func substSyntaxErrorsAreConfigErrors() {
        #expect(ModuleTestHarness.errors(#"request_route { subst("/a/b"); }"#).first?.contains("no separator after the replacement") == true)
        #expect(ModuleTestHarness.errors(#"request_route { subst("/a/b/q"); }"#).first?.contains("unknown flag 'q'") == true)
        #expect(ModuleTestHarness.errors(#"request_route { subst_uri("/(/b/"); }"#).first?.contains("bad regular expression") == true)
        #expect(ModuleTestHarness.errors(#"request_route { subst('/a/$fU/'); }"#).first?.contains("pseudo-variables in the replacement") == true)
    }

    @Test func substUriNeedsARequestRoute() {
        let errors = ModuleTestHarness.errors(#"request_route { } onsend_route { subst_uri("/a/b/"); }"#)
        #expect(errors.first?.contains("cannot be used in onsend_route") == true)
    }
}

/// The subst expression parser on its own.
@Suite struct SubstExpressionTests {
    @Test func escapesInTheReplacement() throws {
        let e = try SubstExpression("#a#x\\n\\t\\\\\\#\\$\\q#")
        let out = e.apply(to: Array("bab".utf8), requestURI: { [] })
        #expect(out.map { String(decoding: $0, as: UTF8.self) } == "bx\n\t\\#$qb")
    }

    @Test func missingGroupIsEmptyAndGlobalRestartsAfterLineBreaks() throws {
        let e = try SubstExpression(#"/^(a)/[\1\2]/g"#)
        let out = e.apply(to: Array("aa\nab".utf8), requestURI: { [] })
        #expect(out.map { String(decoding: $0, as: UTF8.self) } == "[a]a\n[a]b")
    }

    @Test func emptyMatchIsAnError() throws {
        let e = try SubstExpression("/b*/x/g")
        #expect(e.run(Array("abc".utf8), 0 ..< 3, requestURI: { [] }) == nil)
    }
}
