import SIPCore
import Testing

private func uri(_ s: String) throws(SIPParseError) -> (SIPURI, [UInt8]) {
    let bytes = Array(s.utf8)
    return (try SIPURI.parse(bytes, 0 ..< bytes.count), bytes)
}

@Suite("SIP/SIPS/tel URIs")
struct SIPURITests {
    @Test func fullSIPURI() throws {
        let (u, b) = try uri("sip:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent")
        #expect(u.scheme == .sip)
        #expect(u.userString(in: b) == "alice")
        #expect(u.passwordString(in: b) == "secret")
        #expect(u.hostString(in: b) == "atlanta.com")
        #expect(u.port == 5061)
        #expect(u.transport.map { String(decoding: b[$0], as: UTF8.self) } == "tcp")
        #expect(u.maddr.map { String(decoding: b[$0], as: UTF8.self) } == "239.255.255.1")
        #expect(u.lr)
        #expect(u.params(in: b).count == 3)
        #expect(u.param(named: "TRANSPORT", in: b)?.valueString(in: b) == "tcp")
        #expect(u.param(named: "lr", in: b)?.value == nil)
        #expect(u.param(named: "nope", in: b) == nil)
        #expect(u.headers.map { String(decoding: b[$0], as: UTF8.self) } == "subject=project%20x&priority=urgent")
        #expect(u.whole == 0 ..< b.count)
    }

    @Test func schemesAreCaseInsensitive() throws {
        #expect(try uri("SIPS:bob@example.com").0.scheme == .sips)
        #expect(try uri("Sip:bob@example.com").0.scheme == .sip)
        #expect(try uri("TEL:+1234").0.scheme == .tel)
    }

    @Test func hostOnlyAndIPv4() throws {
        let (u, b) = try uri("sip:192.0.2.4")
        #expect(u.user == nil)
        #expect(u.hostString(in: b) == "192.0.2.4")
        #expect(u.port == nil)
        #expect(u.params(in: b).isEmpty)
    }

    @Test func telURI() throws {
        let (u, b) = try uri("tel:+1-201-555-0123;phone-context=example.com")
        #expect(u.scheme == .tel)
        #expect(u.userString(in: b) == "+1-201-555-0123")
        #expect(u.host.isEmpty)
        #expect(u.params(in: b).map { String(decoding: b[$0.name], as: UTF8.self) } == ["phone-context"])
    }

    @Test func ipv6References() throws {
        let (a, ab) = try uri("sip:[2001:db8::1]:5070;transport=udp")
        #expect(a.hostString(in: ab) == "[2001:db8::1]")
        #expect(a.hostAddressString(in: ab) == "2001:db8::1")
        #expect(a.isIPv6Reference)
        #expect(a.port == 5070)
        let (b, bb) = try uri("sips:alice@[::1]")
        #expect(b.userString(in: bb) == "alice")
        #expect(b.hostString(in: bb) == "[::1]")
        #expect(b.port == nil)
        // RFC 5118 §4.3: inside the brackets ":5070" is part of the address.
        let (c, cb) = try uri("sip:[2001:db8::10:5070]")
        #expect(c.hostString(in: cb) == "[2001:db8::10:5070]")
        #expect(c.port == nil)
    }

    @Test func escapesAreDecodedWithoutTruncation() throws {
        let (u, b) = try uri("sip:%61l%69ce%00x%zz%4@example.com")
        #expect(u.userString(in: b) == "%61l%69ce%00x%zz%4")
        #expect(u.unescapedUser(in: b) == Array("alice".utf8) + [0] + Array("x%zz%4".utf8))
        #expect(PercentDecoding.decode(b, 4 ..< 7) == Array("a".utf8))
    }

    @Test func userPartMayHoldSemicolonsAndQuestionMarks() throws {
        let (u, b) = try uri("sip:user;par=u%40example.net@example.com;lr")
        #expect(u.userString(in: b) == "user;par=u%40example.net")
        #expect(u.hostString(in: b) == "example.com")
        #expect(u.lr)
    }

    @Test func otherSchemesStayOpaque() throws {
        let (u, b) = try uri("urn:service:sos")
        #expect(u.scheme == .other)
        #expect(u.schemeString(in: b) == "urn")
        #expect(u.hostString(in: b) == "service:sos")
        #expect(try uri("soap.beep://192.0.2.103:3002").0.scheme == .other)
    }

    @Test(arguments: [
        "", "sip:", "sip:@example.com", "sip:alice@", "sip:host:99999", "sip:host:abc", "sip:host:",
        "sip:host;", "sip:host;=x", "sip:host;x=", "sip:ho st", "<sip:x@y>", " sip:x@y", "sip:x@y ",
        "sip:[2001:db8::1", "sip:[zz::1]", "sip:[1]", "sip:2001:db8::10", "2001:db8::10", "sip:a@b>",
        "1sip:x", ":x", "sip:a\"b@c", "tel:", "tel:;x", "urn:", "urn:a b",
    ])
    func malformed(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(throws: SIPParseError.self, "\(text)") { try SIPURI.parse(bytes, 0 ..< bytes.count) }
    }

    @Test func rangeOutsideTheBytesIsAnErrorNotACrash() {
        let bytes = Array("sip:a@b".utf8)
        #expect(throws: SIPParseError.self) { try SIPURI.parse(bytes, 0 ..< 50) }
        #expect(throws: SIPParseError.self) { try SIPURI.parse(bytes, -1 ..< 3) }
    }

    @Test func parsesAtAnOffsetInsideLargerBytes() throws {
        let bytes = Array("xx<sip:bob@biloxi.com:5060>yy".utf8)
        let u = try SIPURI.parse(bytes, 3 ..< 26)
        #expect(u.hostString(in: bytes) == "biloxi.com")
        #expect(u.string(in: bytes) == "sip:bob@biloxi.com:5060")
    }
}
