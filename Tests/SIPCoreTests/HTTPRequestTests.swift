import SIPCore
import Testing

@Suite("HTTP request heads")
struct HTTPRequestTests {
    @Test func getRequestHead() throws {
        let m = try SIPMessage.parse(crlf("""
            GET /rpc/status?x=1 HTTP/1.1
            Host: sip.example.com:8080
            User-Agent: curl/8.0
            Accept: */*


            """))
        #expect(m.kind == .httpRequest)
        #expect(m.isRequest)
        #expect(m.method == .other)
        #expect(m.string(m.methodRange) == "GET")
        #expect(m.methodIs(raw: "GET"))
        #expect(m.string(m.requestURIRange) == "/rpc/status?x=1")
        #expect(m.string(m.versionRange) == "HTTP/1.1")
        #expect(m.headers.map(\.name) == [.host, .userAgent, .accept])
        #expect(m.string(m.firstHeader(.host)!.valueRange) == "sip.example.com:8080")
        #expect(m.bodyRange.isEmpty)
        try m.validate()
        #expect(throws: SIPParseError.self) { try m.requestURI() }
    }

    @Test func postWithBody() throws {
        let m = try SIPMessage.parse(Array("POST /RPC HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"id\":1}extra".utf8))
        try m.validate()
        #expect(m.string(m.bodyRange) == "{\"id\":1}extra")
    }

    @Test func versions() throws {
        for (line, status) in [("GET / HTTP/2.0", 505), ("GET / HTTP/1", 400), ("GET / HTTP/1.1x", 400)] {
            let m = try SIPMessage.parse(Array((line + "\r\nHost: a\r\n\r\n").utf8))
            do {
                try m.validate()
                Issue.record("\(line) accepted")
            } catch {
                #expect(error.statusCode == status, "\(line)")
                #expect(error.canReply)
            }
        }
        #expect(throws: SIPParseError.self) { try SIPMessage.parse(Array("HTTP/1.1 200 OK\r\n\r\n".utf8)) }
    }
}

@Suite("Digest credentials and challenges")
struct DigestTests {
    @Test func credentialsOfARegister() throws {
        let m = try SIPMessage.parse(Samples.register)
        let c = try #require(try m.credentials())
        #expect(c.isDigest)
        #expect(m.string(c.scheme) == "Digest")
        #expect(c.username.map(m.string) == "bob")
        #expect(c.realm.map(m.string) == "biloxi.com")
        #expect(c.nonce.map(m.string) == "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        #expect(c.uri.map(m.string) == "sip:registrar.biloxi.com")
        #expect(c.response.map(m.string) == "245f23415f11432b3434341c022")
        #expect(c.algorithm.map(m.string) == "MD5")
        #expect(c.cnonce.map(m.string) == "0a4f113b")
        #expect(c.opaque.map(m.string) == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(c.qop.map(m.string) == "auth")
        #expect(c.nc.map(m.string) == "00000001")
        #expect(c.params.count == 10)
        #expect(c.token68 == nil)
        #expect(try m.credentials(.proxyAuthorization) == nil)
    }

    @Test func otherSchemes() throws {
        let basic = Array("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".utf8)
        let b = try DigestCredentials.parse(basic, 0 ..< basic.count)
        #expect(!b.isDigest)
        #expect(b.token68.map { text(Array(basic[$0])) } == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        let unknown = Array("NoOneKnowsThisScheme opaque-data=here".utf8)
        let u = try DigestCredentials.parse(unknown, 0 ..< unknown.count)
        #expect(!u.isDigest)
        #expect(u.params.count == 1)
        let bad = Array("Digest username=\"open".utf8)
        #expect(throws: SIPParseError.self) { try DigestCredentials.parse(bad, 0 ..< bad.count) }
        #expect(throws: SIPParseError.self) { try DigestCredentials.parse([], 0 ..< 0) }
    }

    @Test func challenge() throws {
        let bytes = Array(#"Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=TRUE, algorithm=MD5"#.utf8)
        let c = try DigestChallenge.parse(bytes, 0 ..< bytes.count)
        func s(_ r: Range<Int>?) -> String? { r.map { text(Array(bytes[$0])) } }
        #expect(c.isDigest)
        #expect(s(c.realm) == "atlanta.com")
        #expect(s(c.domain) == "sip:ss1.carrier.com")
        #expect(s(c.qop) == "auth,auth-int")
        #expect(s(c.nonce) == "f84f1cec41e6cbe5aea9c8e88d359")
        #expect(s(c.opaque) == "")
        #expect(c.stale)
        #expect(s(c.algorithm) == "MD5")
    }
}
