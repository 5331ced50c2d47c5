// exec's environment (SIP_HF_*, SIP_TID …) built from messages, compared with what Kamailio
// 5.6.3's exec module gives a program for the same bytes (captured with `env` from exec_msg).
import SIPCore
import Testing

@testable import TernModules

@Suite("exec environment")
struct ExecEnvironmentTests {
    /// The seed's example INVITE ("Using exec: Step 2"), body shortened to what Content-Length says.
    static let seedInvite = """
        INVITE sip:jiri@iptel.org SIP/2.0\r
        Via: SIP/2.0/UDP 195.37.77.100:5040\r
        Max-Forwards: 10\r
        From: "alice" <sip:alice@iptel.org>;tag=76ff7a07-c091-4192-84a0-d56e91fe104f\r
        To: <sip:jiri@iptel.org>\r
        Call-ID: d10815e0-bf17-4afa-8412-d9130a793d96@213.20.128.35\r
        CSeq: 2 INVITE\r
        Contact: <sip:123.20.128.35:9315>\r
        Content-Type: application/sdp\r
        Content-Length: 451\r
        \r

        """ + String(repeating: "v", count: 451)

    static func variables(_ text: String, requestURI: String? = nil, bashSafety: Bool = true) throws -> [String: String] {
        let message = try SIPMessage.parse(Array(text.utf8))
        let entries = ExecEnvironment.variables(message: message, requestURI: requestURI.map { Array($0.utf8) },
                                                sourceIP: "195.37.77.100", bashSafety: bashSafety)
        var out: [String: String] = [:]
        for entry in entries {
            let text = String(decoding: entry, as: UTF8.self)
            guard let eq = text.firstIndex(of: "=") else { continue }
            #expect(out[String(text[..<eq])] == nil, "\(text[..<eq]) set twice")
            out[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
        return out
    }

    @Test("the seed's INVITE gives the seed's variables")
    func seedListing() throws {
        let env = try Self.variables(Self.seedInvite)
        // The seed's listing, line by line.
        #expect(env["SIP_HF_MAX_FORWARDS"] == "10")
        #expect(env["SIP_HF_VIA"] == "SIP/2.0/UDP 195.37.77.100:5040")
        #expect(env["SIP_HF_CSEQ"] == "2 INVITE")
        #expect(env["SIP_HF_FROM"] == "\"alice\" <sip:alice@iptel.org>;tag=76ff7a07-c091-4192-84a0-d56e91fe104f")
        #expect(env["SIP_ORUI"] == "sip:jiri@iptel.org")
        #expect(env["SIP_HF_CONTENT_LENGTH"] == "451")
        #expect(env["SIP_DID"] == "")
        #expect(env["SIP_HF_TO"] == "<sip:jiri@iptel.org>")
        #expect(env["SIP_OUSER"] == "jiri")
        #expect(env["SIP_HF_CALLID"] == "d10815e0-bf17-4afa-8412-d9130a793d96@213.20.128.35")
        #expect(env["SIP_SRCIP"] == "195.37.77.100")
        #expect(env["SIP_HF_CONTENT_TYPE"] == "application/sdp")
        #expect(env["SIP_HF_CONTACT"] == "<sip:123.20.128.35:9315>")
        // The seed prints "iptel.org" (its SER printed the host); Kamailio 5.6.3 and Tern give
        // the whole current R-URI. The seed's SIP_TID came from SER's own hash; this is the
        // value Kamailio 5.6.3 computes for these bytes.
        #expect(env["SIP_RURI"] == "sip:jiri@iptel.org")
        #expect(env["SIP_TID"] == "1ef44b0bac653925063384bba7cf4ebf")
        // Named in the seed's prose (SIP_ORURI) and by Kamailio (SIP_USER).
        #expect(env["SIP_ORURI"] == "sip:jiri@iptel.org")
        #expect(env["SIP_USER"] == "jiri")
    }

    @Test("compact forms join their full names; repeated headers join with a comma")
    func compactAndRepeated() throws {
        // Kamailio 5.6.3 gave exactly these for the same message.
        let env = try Self.variables("""
            INVITE sip:jiri@iptel.org SIP/2.0\r
            Via: SIP/2.0/UDP 195.37.77.100:5040\r
            From: <sip:alice@iptel.org>;tag=1\r
            To: <sip:jiri@iptel.org>\r
            Call-ID: c1\r
            CSeq: 2 INVITE\r
            v: SIP/2.0/UDP 1.2.3.4\r
            X-Thing: a\r
            x-thing: b\r
            s: subj\r
            Subject: s2\r
            l: 0\r
            \r

            """)
        #expect(env["SIP_HF_VIA"] == "SIP/2.0/UDP 195.37.77.100:5040,SIP/2.0/UDP 1.2.3.4")
        #expect(env["SIP_HF_X_THING"] == "a,b")
        #expect(env["SIP_HF_S"] == "subj,s2")
        #expect(env["SIP_HF_SUBJECT"] == nil)
        #expect(env["SIP_HF_CONTENT_LENGTH"] == "0")
        #expect(env["SIP_HF_L"] == nil)
    }

    @Test("names: compact Call-ID and odd characters")
    func names() {
        func name(_ written: String) -> String {
            String(decoding: HeaderVariableName(written: ArraySlice(written.utf8)).name, as: UTF8.self)
        }
        #expect(name("i") == "CALLID")
        #expect(name("CALL-ID") == "CALLID")
        #expect(name("m") == "CONTACT")
        #expect(name("P-Asserted-Identity") == "P_ASSERTED_IDENTITY")
        #expect(name("X.Odd!Name") == "X_ODD_NAME")
        #expect(name("e") == "E")
    }

    @Test("a BYE: To-tag in SIP_DID and in SIP_TID; rewritten R-URI; bash safety")
    func inDialogRequest() throws {
        let bye = """
            BYE sip:alice@10.0.0.1:5070 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:35063;branch=z9hG4bK-bye-1;rport\r
            From: <sip:bob@example.net>;tag=from-tag-9\r
            To: "A" <sip:alice@example.org>;tag=to-tag-7\r
            Call-ID: call-bye-42\r
            CSeq: 17 BYE\r
            X-Test: () { :; }; echo hi\r
            Content-Length: 0\r
            \r

            """
        // Kamailio 5.6.3, after rewriteuri("sip:bob@example.net;transport=udp").
        let env = try Self.variables(bye, requestURI: "sip:bob@example.net;transport=udp")
        #expect(env["SIP_DID"] == "to-tag-7")
        #expect(env["SIP_TID"] == "6d47733c9441381f005599cb064e8974")
        #expect(env["SIP_RURI"] == "sip:bob@example.net;transport=udp")
        #expect(env["SIP_USER"] == "bob")
        #expect(env["SIP_ORUI"] == "sip:alice@10.0.0.1:5070")
        #expect(env["SIP_OUSER"] == "alice")
        #expect(env["SIP_HF_X_TEST"] == " { :; }; echo hi")
        let unsafe = try Self.variables(bye, bashSafety: false)
        #expect(unsafe["SIP_HF_X_TEST"] == "() { :; }; echo hi")
    }

    @Test("no transaction key without Via: SIP_TID is empty")
    func noTransactionKey() throws {
        let env = try Self.variables("""
            OPTIONS sip:x@example.org SIP/2.0\r
            From: <sip:a@example.org>;tag=1\r
            To: <sip:x@example.org>\r
            Call-ID: c\r
            CSeq: 1 OPTIONS\r
            \r

            """)
        #expect(env["SIP_TID"] == "")
    }

    @Test("header values keep non-UTF-8 bytes; a NUL cuts them")
    func rawBytes() throws {
        var bytes = Array("MESSAGE sip:x@example.org SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\nFrom: <sip:a@example.org>;tag=1\r\nTo: <sip:x@example.org>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nX-Raw: a".utf8)
        bytes += [0xff, 0xfe, 0x80]
        bytes += Array("b\r\n\r\n".utf8)
        let message = try SIPMessage.parse(bytes)
        let entries = ExecEnvironment.variables(message: message, requestURI: nil, sourceIP: "127.0.0.1", bashSafety: true)
        let raw = entries.first { $0.starts(with: Array("SIP_HF_X_RAW=".utf8)) }
        #expect(raw == Array("SIP_HF_X_RAW=a".utf8) + [0xff, 0xfe, 0x80] + Array("b".utf8))
        #expect(ExecEnvironment.entry("N", Array("ab".utf8) + [0] + Array("cd".utf8)) == Array("N=ab".utf8))
    }
}
