// The published examples: RFC 2617 §3.5 (MD5, qop=auth) and RFC 7616 §3.9.1 (MD5 and SHA-256).
import Testing

@testable import TernModules

@Suite struct DigestVectorTests {
    private func response(_ algorithm: DigestAlgorithm, user: String, realm: String, password: String, nonce: String,
                          method: String, uri: String, qop: String?, nc: String, cnonce: String) -> String {
        let ha1 = algorithm.ha1(username: Array(user.utf8), realm: Array(realm.utf8), password: Array(password.utf8))
        let input = DigestResponseInput(
            algorithm: algorithm, ha1: ha1, nonce: Array(nonce.utf8), method: Array(method.utf8), uri: Array(uri.utf8),
            qop: qop.map { Array($0.utf8) }, nc: Array(nc.utf8), cnonce: Array(cnonce.utf8))
        return String(decoding: input.expectedResponse(), as: UTF8.self)
    }

    @Test func rfc2617Example() {
        let r = response(.md5, user: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life",
                         nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", method: "GET", uri: "/dir/index.html",
                         qop: "auth", nc: "00000001", cnonce: "0a4f113b")
        #expect(r == "6629fae49393a05397450978507c4ef1")
    }

    @Test func rfc7616ExampleMD5AndSHA256() {
        let fields = (user: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life",
                      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri: "/dir/index.html",
                      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
        let md5 = response(.md5, user: fields.user, realm: fields.realm, password: fields.password, nonce: fields.nonce,
                           method: "GET", uri: fields.uri, qop: "auth", nc: "00000001", cnonce: fields.cnonce)
        #expect(md5 == "8ca523f5e9506fed4657c9700eebdbec")
        let sha = response(.sha256, user: fields.user, realm: fields.realm, password: fields.password, nonce: fields.nonce,
                           method: "GET", uri: fields.uri, qop: "auth", nc: "00000001", cnonce: fields.cnonce)
        #expect(sha == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
    }

    @Test func withoutQopTheResponseSkipsNcAndCnonce() {
        // RFC 2069 form: H(HA1:nonce:HA2); HA1 as md5sum gives it for "alice:example.com:pw".
        let ha1 = DigestAlgorithm.md5.ha1Text(username: "alice", realm: "example.com", password: "pw")
        #expect(ha1 == "981a4ef40955b75633f737a3ece44230")
        let r = response(.md5, user: "alice", realm: "example.com", password: "pw", nonce: "abc",
                         method: "REGISTER", uri: "sip:example.com", qop: nil, nc: "", cnonce: "")
        let ha2 = String(decoding: DigestAlgorithm.md5.hex(Array("REGISTER".utf8), Array("sip:example.com".utf8)), as: UTF8.self)
        let expected = String(decoding: DigestAlgorithm.md5.hex(Array(ha1.utf8), Array("abc".utf8), Array(ha2.utf8)), as: UTF8.self)
        #expect(r == expected)
    }

    @Test func responseComparisonIgnoresCaseAndChecksLength() {
        let expected = Array("6629fae49393a05397450978507c4ef1".utf8)
        #expect(DigestResponseInput.matches(expected, Array("6629FAE49393A05397450978507C4EF1".utf8)[...]))
        #expect(!DigestResponseInput.matches(expected, Array("6629fae49393a05397450978507c4ef".utf8)[...]))
        #expect(!DigestResponseInput.matches(expected, Array("6629fae49393a05397450978507c4ef2".utf8)[...]))
    }

    @Test func algorithmNames() {
        #expect(DigestAlgorithm(name: "") == .md5)
        #expect(DigestAlgorithm(name: "sha-256") == .sha256)
        #expect(DigestAlgorithm(name: "MD5-sess") == .md5Session)
        #expect(DigestAlgorithm(name: "SHA-512-256") == nil)
    }
}
