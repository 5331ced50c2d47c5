import SIPCore
import Testing

@Suite("Header index: names, compact forms, folding, Content-Length")
struct HeaderIndexTests {
    @Test(arguments: [
        ("i", HeaderName.callID), ("m", .contact), ("e", .contentEncoding), ("l", .contentLength), ("f", .from),
        ("t", .to), ("v", .via), ("k", .supported), ("c", .contentType), ("s", .subject), ("o", .event),
        ("u", .allowEvents), ("r", .referTo), ("b", .referredBy), ("x", .sessionExpires), ("y", .identity),
        ("a", .acceptContact), ("j", .rejectContact), ("d", .requestDisposition), ("n", .identityInfo),
    ])
    func compactForms(_ letter: String, _ name: HeaderName) {
        #expect(HeaderName(name: letter) == name)
        #expect(HeaderName(name: letter.uppercased()) == name)
        #expect(name.compactForm.map(String.init) == letter)
    }

    @Test func everyCanonicalNameIsRecognisedInAnyCase() {
        for name in HeaderName.allCases where name != .other {
            #expect(HeaderName(name: name.canonicalName) == name, "\(name)")
            #expect(HeaderName(name: name.canonicalName.uppercased()) == name, "\(name)")
            #expect(HeaderName(name: name.canonicalName.lowercased()) == name, "\(name)")
        }
        #expect(HeaderName(name: "C%6Fntact") == .other)
        #expect(HeaderName(name: "Contacts") == .other)
        #expect(HeaderName(name: "") == .other)
        #expect(HeaderName(name: "z") == .other)
    }

    @Test func indexOfTheRFC3261Invite() throws {
        let m = try SIPMessage.parse(Samples.invite)
        #expect(m.kind == .request)
        #expect(m.isRequest)
        #expect(m.method == .invite)
        #expect(m.string(m.methodRange) == "INVITE")
        #expect(m.string(m.requestURIRange) == "sip:bob@biloxi.com")
        #expect(m.string(m.versionRange) == "SIP/2.0")
        #expect(m.statusCode == 0)
        #expect(m.headers.map(\.name) == [.via, .maxForwards, .to, .from, .callID, .cseq, .contact, .contentType, .contentLength])
        #expect(m.headers.map { m.string($0.nameRange) } == ["Via", "Max-Forwards", "To", "From", "Call-ID", "CSeq", "Contact", "Content-Type", "Content-Length"])
        #expect(m.string(m.firstHeader(.from)!.valueRange) == "Alice <sip:alice@atlanta.com>;tag=1928301774")
        #expect(m.bodyRange.count == 146)
        #expect(m.string(m.bodyRange).hasPrefix("v=0\r\n"))
        #expect(m.headerSectionEnd == m.bodyRange.lowerBound)
        try m.validate()
        #expect(m.string(try m.callIDRange()) == "a84b4c76e66710")
        #expect(try m.cseq().number == 314159)
        #expect(try m.maxForwards() == 70)
        #expect(m.methodIs(.invite))
        #expect(!m.methodIs(.ack))
    }

    @Test func twentyHeaderRegister() throws {
        let m = try SIPMessage.parse(Samples.register)
        #expect(m.headers.count == 20)
        try m.validate()
        #expect(m.method == .register)
        let contact = try m.contacts().values.first
        #expect(contact?.expires(in: m.bytes) == 7200)
        #expect(contact?.q(in: m.bytes) == 800)
        #expect(m.listValues(.allow).count == 12)
        #expect(m.listValues(.supported).map(m.string) == ["path", "outbound", "gruu"])
    }

    @Test func compactFormsInAMessage() throws {
        let m = try SIPMessage.parse(crlf("""
            INVITE sip:bob@biloxi.com SIP/2.0
            v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8
            t: <sip:bob@biloxi.com>
            f: <sip:alice@atlanta.com>;tag=1
            i: abc@host
            CSeq: 1 INVITE
            m: <sip:alice@pc33.atlanta.com>
            c: application/sdp
            k: 100rel
            s: hello
            l: 0


            """))
        try m.validate()
        #expect(m.headers.map(\.name) == [.via, .to, .from, .callID, .cseq, .contact, .contentType, .supported, .subject, .contentLength])
        #expect(m.headers(named: "Via").count == 1)
        #expect(m.headers(named: "v").count == 1)
        #expect(m.headers(named: "CALL-ID").count == 1)
        #expect(try m.contentLength() == 0)
    }

    @Test func foldingAndWhiteSpace() throws {
        let m = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            Subject: first
             second\tpart
            \tthird   
            Contact:
              <sip:c@d>
            X-Empty:
            Max-Forwards  :   70
            Content-Length: 0


            """))
        #expect(m.string(m.firstHeader(.subject)!.valueRange) == "first\r\n second\tpart\r\n\tthird")
        #expect(m.string(m.firstHeader(.contact)!.valueRange) == "<sip:c@d>")
        #expect(m.headers(named: "x-empty").first?.valueRange.isEmpty == true)
        #expect(try m.maxForwards() == 70)
        #expect(m.headers.count == 5)
    }

    @Test func loneLFLineEndings() throws {
        let bytes = Array("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nTo: <sip:a@b>\nFrom: <sip:c@d>;tag=1\nCall-ID: x\nCSeq: 2 OPTIONS\nSubject: a\n b\nContent-Length: 4\n\nbody".utf8)
        let m = try SIPMessage.parse(bytes)
        try m.validate()
        #expect(m.string(m.bodyRange) == "body")
        #expect(m.string(m.firstHeader(.subject)!.valueRange) == "a\n b")
        #expect(m.headers.count == 7)
    }

    @Test func leadingCRLFsAreSkipped() throws {
        let m = try SIPMessage.parse(crlf("\n\n") + Samples.invite)
        #expect(m.messageStart == 4)
        #expect(m.string(m.methodRange) == "INVITE")
    }

    @Test func unknownHeadersByName() throws {
        let m = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            X-Custom: one
            x-custom: two
            X-Other: three
            Content-Length: 0


            """))
        #expect(m.headers(named: "X-CUSTOM").map { m.string($0.valueRange) } == ["one", "two"])
        #expect(m.headers(named: "x-other").count == 1)
        #expect(m.headers(named: "x-none").isEmpty)
    }

    @Test func contentLengthOnADatagram() throws {
        let head = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n"
        // Absent: the rest of the datagram is the body.
        let a = try SIPMessage.parse(Array((head + "\r\nhello").utf8))
        #expect(a.string(a.bodyRange) == "hello")
        #expect(try a.contentLength() == nil)
        // Shorter than the datagram: the rest is ignored.
        let b = try SIPMessage.parse(Array((head + "Content-Length: 2\r\n\r\nhello").utf8))
        #expect(b.string(b.bodyRange) == "he")
        // Longer than the datagram, negative, not a number: 400.
        for (value, kind) in [
            ("9999", SIPParseErrorKind.contentLengthBeyondMessage), ("-1", .invalidContentLength),
            ("abc", .invalidContentLength), ("", .invalidContentLength), ("1 2", .invalidContentLength),
            ("99999999999999999999", .invalidContentLength),
        ] {
            #expect(throws: SIPParseError(kind, canReply: false), "\(value)") {
                try SIPMessage.parse(Array((head + "Content-Length: \(value)\r\n\r\nhello").utf8))
            }
        }
        // Two different values cannot both be right; two equal ones parse (validate rejects them).
        #expect(throws: SIPParseError(.conflictingContentLength, canReply: false)) {
            try SIPMessage.parse(Array((head + "Content-Length: 1\r\nl: 2\r\n\r\nhello").utf8))
        }
        let twice = try SIPMessage.parse(Array((head + "Content-Length: 1\r\nl: 1\r\n\r\nhello").utf8))
        #expect(twice.bodyRange.count == 1)
    }

    @Test func limits() throws {
        var text = "OPTIONS sip:a@b SIP/2.0\r\n"
        for i in 0 ..< 30 { text += "X-H\(i): v\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        #expect(throws: SIPParseError(.tooManyHeaders, canReply: false)) {
            try SIPMessage.parse(bytes, limits: SIPParseLimits(maxMessageSize: 65535, maxHeaderCount: 10))
        }
        #expect(try SIPMessage.parse(bytes, limits: SIPParseLimits(maxMessageSize: 65535, maxHeaderCount: 30)).headers.count == 30)
        do {
            _ = try SIPMessage.parse(bytes, limits: SIPParseLimits(maxMessageSize: 100, maxHeaderCount: 256))
            Issue.record("should be too large")
        } catch {
            #expect(error.statusCode == 513)
            #expect(error.reason == "Message too large")
        }
    }

    @Test func responsesTakeTheirMethodFromCSeq() throws {
        let m = try SIPMessage.parse(crlf("""
            SIP/2.0 180 Ringing
            Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1
            To: Bob <sip:bob@biloxi.com>;tag=a6c85cf
            From: Alice <sip:alice@atlanta.com>;tag=1928301774
            Call-ID: a84b4c76e66710
            CSeq: 314159 INVITE
            Content-Length: 0


            """))
        try m.validate()
        #expect(m.kind == .response)
        #expect(!m.isRequest)
        #expect(m.statusCode == 180)
        #expect(m.string(m.reasonRange) == "Ringing")
        #expect(m.method == .invite)
        #expect(m.methodIs(.invite))
        #expect(m.methodIs(raw: "INVITE"))
        #expect(throws: SIPParseError.self) { try m.requestURI() }
    }

    @Test func singleValuedHeadersMustNotRepeat() throws {
        for name in ["Call-ID: y", "From: <sip:e@f>;tag=2", "To: <sip:g@h>", "CSeq: 3 OPTIONS", "Max-Forwards: 9", "l: 0"] {
            let m = try SIPMessage.parse(crlf("""
                OPTIONS sip:a@b SIP/2.0
                Via: SIP/2.0/UDP h;branch=z9hG4bK1
                To: <sip:a@b>
                From: <sip:c@d>;tag=1
                Call-ID: x
                CSeq: 2 OPTIONS
                Max-Forwards: 70
                Content-Length: 0
                \(name)


                """))
            do {
                try m.validate()
                Issue.record("duplicate \(name) accepted")
            } catch {
                #expect(error.reason.hasPrefix("Duplicate "), "\(name)")
                #expect(error.canReply)
            }
        }
    }
}

@Suite("CSeq")
struct CSeqTests {
    private func cseq(_ s: String) throws(SIPParseError) -> CSeqHeader {
        let b = Array(s.utf8)
        return try CSeqHeader.parse(b, 0 ..< b.count)
    }

    @Test func bounds() throws {
        #expect(try cseq("0 INVITE").number == 0)
        #expect(try cseq("4294967295 ACK").number == UInt32.max)
        #expect(try cseq("0009\r\n  INVITE").number == 9)
        #expect(try cseq("1 FOO").method == .other)
        #expect(throws: SIPParseError(.cseqNumberTooLarge)) { try cseq("4294967296 INVITE") }
        #expect(throws: SIPParseError(.cseqNumberTooLarge)) { try cseq("36893488147419103232 REGISTER") }
    }

    @Test(arguments: ["", "INVITE", "1INVITE", "1", "1 ", "abc INVITE", "-1 INVITE", "1 INVITE extra", "1 INV/ITE"])
    func malformed(_ text: String) {
        #expect(throws: SIPParseError.self, "\(text)") { try cseq(text) }
    }
}
