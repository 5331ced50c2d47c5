import SIPCore
import Testing

private func nameAddr(_ s: String, _ header: HeaderName = .to) throws(SIPParseError) -> (NameAddr, [UInt8]) {
    let bytes = Array(s.utf8)
    return (try NameAddr.parse(bytes, 0 ..< bytes.count, header: header), bytes)
}

private func str(_ b: [UInt8], _ r: Range<Int>?) -> String? {
    r.map { String(decoding: b[$0], as: UTF8.self) }
}

@Suite("name-addr / addr-spec")
struct NameAddrTests {
    @Test func quotedDisplayNameWithEscapes() throws {
        let (n, b) = try nameAddr(#""Alice \"the\" Smith \\" <sip:alice@atlanta.com>;tag=88sja8x"#)
        #expect(n.displayNameString(in: b) == #"Alice "the" Smith \"#)
        #expect(str(b, n.tag) == "88sja8x")
        #expect(n.hasAngleBrackets)
        #expect(n.uri.userString(in: b) == "alice")
    }

    @Test func tokenDisplayNames() throws {
        let (a, ab) = try nameAddr("Alice  Smith <sip:alice@atlanta.com>")
        #expect(str(ab, a.displayName) == "Alice  Smith")
        let (b, bb) = try nameAddr("Bob<sip:bob@biloxi.com>")
        #expect(str(bb, b.displayName) == "Bob")
        let (c, cb) = try nameAddr("\"\"<sip:c@d>")
        #expect(c.displayNameString(in: cb) == "")
        let (d, _) = try nameAddr("<sip:c@d>")
        #expect(d.displayName == nil)
        // Raw UTF-8 in an unquoted name is accepted: phones send it.
        let (e, eb) = try nameAddr("José <sip:jose@example.com>")
        #expect(str(eb, e.displayName) == "José")
    }

    @Test func addrSpecParametersBelongToTheHeader() throws {
        let (n, b) = try nameAddr("sip:+19725552222@gw1.example.net;unknownparam;tag=1", .contact)
        #expect(!n.hasAngleBrackets)
        #expect(n.uri.params(in: b).isEmpty)
        #expect(n.params(in: b).map { str(b, $0.name) } == ["unknownparam", "tag"])
        #expect(str(b, n.tag) == "1")
    }

    @Test func contactParameters() throws {
        let (n, b) = try nameAddr("<sip:bob@192.0.2.4;transport=udp;lr> ; expires = 3600 ;q=0.5;+sip.instance=\"<urn:uuid:1>\"", .contact)
        #expect(n.uri.lr)
        #expect(n.expires(in: b) == 3600)
        #expect(n.q(in: b) == 500)
        #expect(n.param(named: "+SIP.INSTANCE", in: b)?.valueString(in: b) == "<urn:uuid:1>")
        #expect(str(b, n.paramsRange) == " expires = 3600 ;q=0.5;+sip.instance=\"<urn:uuid:1>\"")
    }

    @Test(arguments: [("q=1", 1000), ("q=1.0", 1000), ("q=0", 0), ("q=0.001", 1), ("q=0.75", 750)])
    func qValues(_ param: String, _ expected: Int) throws {
        let (n, b) = try nameAddr("<sip:a@b>;" + param)
        #expect(n.q(in: b) == expected)
    }

    @Test func badQAndHugeExpires() throws {
        func q(_ params: String) throws -> Int? {
            let (n, b) = try nameAddr("<sip:a@b>" + params)
            return n.q(in: b)
        }
        func expires(_ params: String) throws -> Int? {
            let (n, b) = try nameAddr("<sip:a@b>" + params)
            return n.expires(in: b)
        }
        #expect(try q(";q=1.5") == nil)
        #expect(try q(";q=0.1234") == nil)
        #expect(try q(";q=x") == nil)
        #expect(try expires(";expires=280297596632815") == Int(UInt32.max))
        #expect(try expires(";expires=soon") == nil)
        #expect(try expires("") == nil)
    }

    @Test func foldedValues() throws {
        let (n, b) = try nameAddr("\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8", .from)
        #expect(n.displayNameString(in: b) == "J Rosenberg \\\"")
        #expect(str(b, n.tag) == "98asjd8")
    }

    @Test func otherSchemes() throws {
        let (a, ab) = try nameAddr("isbn:2983792873")
        #expect(a.uri.scheme == .other)
        #expect(a.uri.hostString(in: ab) == "2983792873")
        let (b, _) = try nameAddr("<http://www.example.com>;tag=3234233", .from)
        #expect(b.uri.scheme == .other)
        #expect(b.tag != nil)
        let (c, cb) = try nameAddr("tel:+12125551212;tag=x")
        #expect(c.uri.scheme == .tel)
        #expect(str(cb, c.tag) == "x")
    }

    @Test(arguments: [
        "", "   ", "\"Mr. J. User <sip:j.user@example.com>", "Bell, Alexander <sip:a.g.bell@example.com>",
        "< sip:t.watson@example.org >", "<sip:a@b", "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
        "<sip:a@b>;;", "<sip:a@b>;tag", "<sip:a@b> junk", "<sip:a@b>;tag=", "\"x\" sip:a@b", "<>",
        "<sip:a@b>;x=\"unterminated", "Alice : <sip:a@b>",
    ])
    func malformed(_ text: String) {
        #expect(throws: SIPParseError.self, "\(text)") { try nameAddr(text) }
    }

    @Test func errorsNameTheHeader() {
        do {
            _ = try nameAddr("\"open <sip:a@b>", .from)
            Issue.record("should throw")
        } catch {
            #expect(error.reason == "Malformed From header")
            #expect(error.statusCode == 400)
        }
    }
}

@Suite("Contact and route lists")
struct ContactListTests {
    @Test func quotedCommasDoNotSplit() throws {
        let m = try SIPMessage.parse(crlf("""
            REGISTER sip:example.com SIP/2.0
            Contact: "Doe, John" <sip:john@192.0.2.1>;q=0.7, <sip:john@[2001:db8::1]:5070;transport=tcp>;expires=60,
             sip:john@host.example.com;expires=0
            m: <sip:a,b@example.com>
            Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
            Route: <sip:p3.example.com;lr>
            Content-Length: 0


            """))
        let contacts = try m.contacts().values
        #expect(contacts.count == 4)
        #expect(contacts[0].displayNameString(in: m.bytes) == "Doe, John")
        #expect(contacts[0].q(in: m.bytes) == 700)
        #expect(contacts[1].uri.hostString(in: m.bytes) == "[2001:db8::1]")
        #expect(contacts[1].uri.port == 5070)
        #expect(contacts[1].expires(in: m.bytes) == 60)
        #expect(contacts[2].expires(in: m.bytes) == 0)
        #expect(!contacts[2].hasAngleBrackets)
        #expect(contacts[3].uri.userString(in: m.bytes) == "a,b")
        #expect(try m.nameAddrs(.route).map { $0.uri.hostString(in: m.bytes) } == ["p1.example.com", "p2.example.com", "p3.example.com"])
        #expect(try m.nameAddrs(.route).allSatisfy { $0.uri.lr })
        #expect(try m.nameAddrs(.recordRoute).isEmpty)
    }

    @Test func starStandsAlone() throws {
        let star = try SIPMessage.parse(crlf("REGISTER sip:example.com SIP/2.0\nContact: *\nExpires: 0\nContent-Length: 0\n\n"))
        #expect(try star.contacts().isStar)
        #expect(try star.contacts().values.isEmpty)
        let mixed = try SIPMessage.parse(crlf("REGISTER sip:example.com SIP/2.0\nContact: *\nContact: <sip:a@b>\nContent-Length: 0\n\n"))
        #expect(throws: SIPParseError(.malformedHeader(.contact))) { try mixed.contacts() }
        let none = try SIPMessage.parse(crlf("REGISTER sip:example.com SIP/2.0\nContent-Length: 0\n\n"))
        #expect(try none.contacts().values.isEmpty)
        #expect(try !none.contacts().isStar)
    }

    @Test func emptyElementsAreRejected() throws {
        let m = try SIPMessage.parse(crlf("REGISTER sip:example.com SIP/2.0\nContact: <sip:a@b>,,<sip:c@d>\nRoute: <sip:x>,\nContent-Length: 0\n\n"))
        #expect(throws: SIPParseError.self) { try m.contacts() }
        #expect(throws: SIPParseError.self) { try m.nameAddrs(.route) }
    }
}
