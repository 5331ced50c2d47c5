import Foundation
import SIPCore
import TernTestSupport
import Testing

@testable import TernModules

/// textops body, method, privacy and string functions. Values marked "Kamailio 5.6.3" were
/// read from the real server running the same calls.
@Suite struct TextOpsMiscTests {
    @Test func hasBodyFollowsContentLengthAndType() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(any) = has_body();
                $var(sdp) = has_body("application/sdp");
                $var(foo) = has_body("application/foo");
            }
            """#))
        // Kamailio 5.6.3: a body without Content-Type counts as application/sdp.
        let noType = h.run(ScriptTestHarness.request(body: "v=0\r\n"))
        #expect(noType.variable("any") == .int(1))
        #expect(noType.variable("sdp") == .int(1))
        #expect(noType.variable("foo") == .int(-1))
        // Kamailio 5.6.3: without Content-Length there is no body, whatever follows the headers.
        let noLength = h.run(ScriptTestHarness.request(body: "v=0\r\n", contentLength: false))
        #expect(noLength.variable("any") == .int(-1))
        #expect(noLength.variable("sdp") == .int(-1))
        // Kamailio 5.6.3: two subtypes it does not know compare equal.
        let other = h.run(ScriptTestHarness.request(extra: ["Content-Type: application/bar"], body: "x"))
        #expect(other.variable("any") == .int(1))
        #expect(other.variable("sdp") == .int(-1))
        #expect(other.variable("foo") == .int(1))
        let empty = h.run(ScriptTestHarness.request())
        #expect(empty.variable("any") == .int(-1))
    }

    @Test func hasBodyRejectsAMalformedTypeAtLoad() {
        #expect(ModuleTestHarness.errors(#"request_route { has_body("application"); }"#).first?.contains("unsupported content type") == true)
    }

    /// Kamailio 5.6.3 sends "Content-Length: 11", then the new Content-Type at the end of the
    /// headers (the old one removed), then "hello alice".
    @Test func setBodyReplacesBodyAndType() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(a) = set_body("hello $fU", "text/plain"); }"#))
        let run = h.run(ScriptTestHarness.request(extra: ["Content-Type: application/sdp"], body: "v=0\r\n"))
        #expect(run.variable("a") == .int(1))
        let edited = try run.edited
        #expect(edited.hasSuffix("\r\n\r\nhello alice"))
        let lines = ScriptTestHarness.headerLines(edited)
        #expect(lines.contains("Content-Type: text/plain"))
        #expect(!lines.contains("Content-Type: application/sdp"))
        #expect(lines.contains("Content-Length: 11"))

        let noBody = h.run(ScriptTestHarness.request())
        #expect(noBody.variable("a") == .int(1))
        #expect(try noBody.edited.hasSuffix("Content-Type: text/plain\r\n\r\nhello alice"))
    }

    @Test func isMethodWithListsAndReplies() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = is_method("INVITE");
                $var(b) = is_method("invite");
                $var(c) = is_method("BYE|MESSAGE");
                $var(d) = is_method("ACK|invite");
                $var(e) = is_method("FOO");
            }
            onreply_route {
                $var(r) = is_method("INVITE|BYE");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        // Kamailio 5.6.3: is_method("invite") matches an INVITE; FOO does not.
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(-1))
        #expect(run.variable("d") == .int(1))
        #expect(run.variable("e") == .int(-1))
        let foo = h.run(ScriptTestHarness.request(method: "FOO"))
        #expect(foo.variable("e") == .int(1))
        #expect(foo.variable("a") == .int(-1))
        let reply = ScriptTestHarness.message([
            "SIP/2.0 200 OK", "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1", "From: <sip:a@b>;tag=1",
            "To: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 7 BYE",
        ])
        #expect(h.run(reply, route: .coreReply).variable("r") == .int(1))
    }

    @Test func isMethodListOfUnknownMethodsIsAConfigError() {
        // Kamailio 5.6.3 refuses to start with an unknown method in a list.
        #expect(ModuleTestHarness.errors(#"request_route { is_method("INVITE|FOO"); }"#).first?.contains("unknown method 'FOO'") == true)
        #expect(ModuleTestHarness.errors(#"request_route { is_method(""); }"#).first?.contains("empty method name") == true)
    }

    @Test func isPrivacy() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route { $var(id) = is_privacy("id"); $var(user) = is_privacy("user"); }
            """#))
        let run = h.run(ScriptTestHarness.request(extra: ["Privacy: header; id"]))
        #expect(run.variable("id") == .int(1))
        #expect(run.variable("user") == .int(-1))
        #expect(h.run(ScriptTestHarness.request()).variable("id") == .int(-1))
        // `none` may not be combined with other values: the header is invalid.
        #expect(h.run(ScriptTestHarness.request(extra: ["Privacy: none;id"])).variable("id") == .int(-1))
        #expect(ModuleTestHarness.errors(#"request_route { is_privacy("secret"); }"#).first?.contains("not a privacy value") == true)
    }

    @Test func stringHelpersReturnKamailiosValues() throws {
        // Every expected value below was printed by Kamailio 5.6.3 for the same calls.
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = cmp_str("abc", "abd");
                $var(b) = cmp_str("abd", "abc");
                $var(c) = cmp_istr("ABC", "abc");
                $var(d) = str_find("hello", "ll");
                $var(e) = in_list("b", "a, b ,c", ",");
                $var(f) = starts_with("hello", "hx");
                $var(m) = str_ifind("HeLLo", "");
                $var(n) = str_find("", "");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(-2))
        #expect(run.variable("b") == .int(-1))
        #expect(run.variable("c") == .int(1))
        #expect(run.variable("d") == .int(3))
        #expect(run.variable("e") == .int(1))
        #expect(run.variable("f") == .int(-2))
        #expect(run.variable("m") == .int(1))
        #expect(run.variable("n") == .int(1))
    }

    @Test func moreStringHelpers() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(p) = in_list_prefix("+4930123", "+33;+49", ";");
                $var(q) = in_list_prefix("+4430123", "+33;+49", ";");
                $var(r) = in_list("x", "a,b", ",");
                $var(s) = ends_with("alice@example.com", "example.com");
                $var(t) = ends_with("com", "example.com");
                $var(u) = str_ifind("Hello World", "WORLD");
                $var(v) = search_str("Hello World", "^hello w");
                $var(w) = search_str("", "x");
                $var(x) = search_str("abc", "");
                $var(y) = cmp_str("", "a");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("p") == .int(1))
        #expect(run.variable("q") == .int(-1))
        #expect(run.variable("r") == .int(-1))
        #expect(run.variable("s") == .int(1))
        #expect(run.variable("t") == .int(-1))
        #expect(run.variable("u") == .int(7))
        #expect(run.variable("v") == .int(1))
        #expect(run.variable("w") == .int(-2))
        #expect(run.variable("x") == .int(2))
        #expect(run.variable("y") == .int(-2))
        #expect(ModuleTestHarness.errors(#"request_route { in_list("a", "a,b", ",,"); }"#).first?.contains("single character") == true)
    }

    @Test func regexSubstringStoresAGroup() throws {
        let h = try #require(ModuleTestHarness(#"""
            request_route {
                $var(a) = regex_substring("user=alice;x", "user=([a-z]+)", 1, 2, "$var(out)");
                $var(b) = regex_substring("nothing", "user=([a-z]+)", 1, 2, "$var(none)");
                $var(c) = regex_substring("user=alice", "user=([a-z]+)", 2, 2, "$var(none)");
            }
            """#))
        let run = h.run(ScriptTestHarness.request())
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("out") == .string("alice"))
        #expect(run.variable("b") == .int(-2))
        #expect(run.variable("c") == .int(-1))
    }
}

/// is_audio_on_hold over SDP bodies; every value was checked with Kamailio 5.6.3 on the same SDP.
@Suite struct AudioHoldTests {
    func sdp(_ lines: [String], type: String = "application/sdp") -> SIPMessage {
        ScriptTestHarness.request(extra: ["Content-Type: \(type)"], body: lines.joined(separator: "\r\n") + "\r\n")
    }

    let session = ["v=0", "o=alice 1 1 IN IP4 192.0.2.10", "s=-", "t=0 0"]

    @Test func holdKinds() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(h) = is_audio_on_hold(); }"#))
        let active = sdp(session + ["c=IN IP4 192.0.2.10", "m=audio 4000 RTP/AVP 0", "a=sendrecv"])
        #expect(h.run(active).variable("h") == .int(-1))
        let sendonly = sdp(session + ["c=IN IP4 192.0.2.10", "m=audio 4000 RTP/AVP 0", "a=sendonly"])
        #expect(h.run(sendonly).variable("h") == .int(2))
        let zeroAddress = sdp(session + ["m=audio 4000 RTP/AVP 0", "c=IN IP4 0.0.0.0"])
        #expect(h.run(zeroAddress).variable("h") == .int(1))
        let sessionInactive = sdp(session + ["c=IN IP4 192.0.2.10", "a=inactive", "m=audio 4000 RTP/AVP 0"])
        #expect(h.run(sessionInactive).variable("h") == .int(2))
        // Only audio counts.
        let video = sdp(session + ["c=IN IP4 192.0.2.10", "m=video 4002 RTP/AVP 96", "a=sendonly", "m=audio 4000 RTP/AVP 0"])
        #expect(h.run(video).variable("h") == .int(-1))
        // An ICE trickle re-offer on port 9 is not a hold.
        let trickle = sdp(session + ["c=IN IP4 0.0.0.0", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=ice-options:trickle"])
        #expect(h.run(trickle).variable("h") == .int(-1))
        // Not SDP.
        let text = sdp(session + ["m=audio 4000 RTP/AVP 0", "a=sendonly"], type: "text/plain")
        #expect(h.run(text).variable("h") == .int(-1))
    }
}

/// filter_body on a multipart/mixed body.
@Suite struct FilterBodyTests {
    let body = "--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nm=audio 4000 RTP/AVP 0\r\n--b1--\r\n"

    @Test func keepsTheFirstPartOfTheType() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(r) = filter_body("application/sdp"); $var(t) = filter_body("image/png"); }"#))
        let run = h.run(ScriptTestHarness.request(extra: [#"Content-Type: multipart/mixed;boundary="b1""#], body: body))
        #expect(run.variable("r") == .int(1))
        #expect(run.variable("t") == .int(-1))
        // Kamailio 5.6.3 forwards exactly this body, Content-Type unchanged, Content-Length 27.
        let edited = try run.edited
        #expect(edited.hasSuffix("\r\n\r\nv=0\r\nm=audio 4000 RTP/AVP 0"))
        #expect(ScriptTestHarness.headerLines(edited).contains(#"Content-Type: multipart/mixed;boundary="b1""#))
        #expect(ScriptTestHarness.headerLines(edited).contains("Content-Length: 27"))
    }

    @Test func onlyMultipartMixed() throws {
        let h = try #require(ModuleTestHarness(#"request_route { $var(r) = filter_body("text/plain"); }"#))
        #expect(h.run(ScriptTestHarness.request(extra: ["Content-Type: text/plain"], body: "hello")).variable("r") == .int(-1))
        #expect(h.run(ScriptTestHarness.request()).variable("r") == .int(-1))
    }
}
