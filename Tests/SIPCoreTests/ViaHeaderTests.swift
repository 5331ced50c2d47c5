import SIPCore
import Testing

private func via(_ s: String) throws(SIPParseError) -> (ViaHeader, [UInt8]) {
    let bytes = Array(s.utf8)
    return (try ViaHeader.parse(bytes, 0 ..< bytes.count), bytes)
}

private func str(_ b: [UInt8], _ r: Range<Int>?) -> String? {
    r.map { String(decoding: b[$0], as: UTF8.self) }
}

@Suite("Via")
struct ViaHeaderTests {
    @Test func allKnownParameters() throws {
        let (v, b) = try via("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=9988;maddr=224.2.0.1;ttl=16;ext=x;flag")
        #expect(str(b, v.protocolName) == "SIP")
        #expect(str(b, v.protocolVersion) == "2.0")
        #expect(v.transportString(in: b) == "UDP")
        #expect(v.transportProtocol == .udp)
        #expect(v.hostString(in: b) == "pc33.atlanta.com")
        #expect(v.port == 5066)
        #expect(v.branchString(in: b) == "z9hG4bK776asdhds")
        #expect(v.hasRFC3261Branch)
        #expect(v.receivedString(in: b) == "192.0.2.1")
        #expect(v.rport == .value(9988))
        #expect(str(b, v.maddr) == "224.2.0.1")
        #expect(v.ttl == 16)
        #expect(v.params(in: b).map { str(b, $0.name) } == ["branch", "received", "rport", "maddr", "ttl", "ext", "flag"])
        #expect(v.param(named: "EXT", in: b)?.valueString(in: b) == "x")
    }

    @Test func emptyRPortAndNoParameters() throws {
        let (a, _) = try via("SIP/2.0/TCP client.example.com;rport;branch=z9hG4bKx")
        #expect(a.rport == .empty)
        #expect(a.rportName != nil)
        let (b, bb) = try via("SIP/2.0/UDP 192.0.2.1")
        #expect(b.rport == .absent)
        #expect(b.branch == nil)
        #expect(!b.hasRFC3261Branch)
        #expect(b.paramsRange == nil)
        #expect(b.params(in: bb).isEmpty)
        #expect(b.hostString(in: bb) == "192.0.2.1")
    }

    @Test func ipv6SentByAndReceived() throws {
        let (v, b) = try via("SIP/2.0/UDP [2001:db8::9:1]:6050;received=2001:db8::9:255;branch=z9hG4bKas3")
        #expect(v.hostString(in: b) == "[2001:db8::9:1]")
        #expect(v.hostAddressString(in: b) == "2001:db8::9:1")
        #expect(v.isIPv6Reference)
        #expect(v.port == 6050)
        #expect(v.receivedString(in: b) == "2001:db8::9:255")
        #expect(v.branchString(in: b) == "z9hG4bKas3")
    }

    @Test func whiteSpaceAroundSeparators() throws {
        let (v, b) = try via("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2 : 5060 ;  branch =\r\n z9hG4bK30239  ")
        #expect(v.transportString(in: b) == "UDP")
        #expect(v.hostString(in: b) == "192.0.2.2")
        #expect(v.port == 5060)
        #expect(v.branchString(in: b) == "z9hG4bK30239")
        #expect(str(b, v.whole)?.hasSuffix("z9hG4bK30239") == true)
    }

    @Test func unknownTransportsAreKeptAsText() throws {
        let (v, b) = try via("SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en")
        #expect(v.transportString(in: b) == "UNKNOWN")
        #expect(v.transportProtocol == nil)
    }

    @Test(arguments: [
        "", "SIP/2.0/UDP", "SIP/2.0 192.0.2.1", "SIP/2.0/UDP192.0.2.1", "SIP//UDP host", "/2.0/UDP host",
        "SIP/2.0/UDP 192.0.2.15;;", "SIP/2.0/UDP host;rport=abc", "SIP/2.0/UDP host;ttl=300",
        "SIP/2.0/UDP host:70000", "SIP/2.0/UDP host:", "SIP/2.0/UDP host junk", "SIP/2.0/UDP [2001:db8::1",
        "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP host;x=\"open",
        "SIP/2.0/UDP host, SIP/2.0/UDP other",
    ])
    func malformed(_ text: String) {
        #expect(throws: SIPParseError.self, "\(text)") { try via(text) }
    }

    @Test func viaListsAcrossLinesAndCommas() throws {
        let m = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            Via: SIP/2.0/UDP first.example.com;branch=z9hG4bK1;x="a,b", SIP/2.0/TCP second.example.com;branch=z9hG4bK2
            v: SIP/2.0/TLS third.example.com;branch=z9hG4bK3
            VIA: SIP/2.0/UDP fourth.example.com;branch=z9hG4bK4,
             SIP/2.0/UDP fifth.example.com;branch=z9hG4bK5
            To: <sip:a@b>
            From: <sip:c@d>;tag=1
            Call-ID: x
            CSeq: 1 OPTIONS
            Content-Length: 0


            """))
        let vias = try m.vias()
        #expect(vias.map { m.string($0.host) } == ["first", "second", "third", "fourth", "fifth"].map { $0 + ".example.com" })
        #expect(vias.first?.param(named: "x", in: m.bytes)?.valueString(in: m.bytes) == "a,b")
        #expect(m.string(try m.topVia().whole) == #"SIP/2.0/UDP first.example.com;branch=z9hG4bK1;x="a,b""#)
        #expect(m.headers(.via).count == 3)
    }

    @Test func emptyViaElementIsRejected() throws {
        let m = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,,SIP/2.0/UDP b.example.com
            Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3,
            Content-Length: 0


            """))
        #expect(throws: SIPParseError.self) { try m.vias() }
        #expect(try m.topVia().branch != nil)
    }
}
