// The MD5 / SHA-256 used by digest auth and nonces (libcrypto with inline contexts), checked
// against swift-crypto over every length around the block and padding boundaries, fed whole and
// in pieces; the nonce tag checked against HMAC-SHA256 (nonces stay interchangeable with those
// made before).
import Crypto
import Testing

@testable import TernModules

@Suite struct DigestHashTests {
    private func message(_ length: Int, seed: Int) -> [UInt8] {
        (0 ..< length).map { UInt8(truncatingIfNeeded: ($0 &* 131) ^ (seed &* 29) ^ ($0 >> 3)) }
    }

    private func hex<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        Array(bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined().utf8)
    }

    /// The input fed in `pieces` parts of uneven sizes, through JoinedDigest with no separator.
    private func inlineDigest(_ algorithm: DigestAlgorithm, _ input: [UInt8], pieces: Int) -> [UInt8] {
        var digest = JoinedDigest(algorithm)
        // JoinedDigest puts ':' between parts; one part keeps the input as it is.
        if pieces == 1 {
            input.withUnsafeBytes { digest.add($0) }
            return digest.finish().bytes
        }
        var md5 = MD5Digest()
        var sha = SHA256Digest()
        var start = 0
        var k = 0
        while start < input.count {
            let size = min(input.count - start, 1 + (k * 37) % 70)
            input[start ..< start + size].withUnsafeBytes { algorithm == .md5 ? md5.update($0) : sha.update($0) }
            start += size
            k += 1
        }
        var raw = [UInt8](repeating: 0, count: 32)
        raw.withUnsafeMutableBytes { algorithm == .md5 ? md5.finish(into: $0.baseAddress!) : sha.finish(into: $0.baseAddress!) }
        return hex(raw.prefix(algorithm == .md5 ? 16 : 32))
    }

    @Test func md5MatchesTheLibraryAtEveryLength() {
        for length in 0 ... 200 {
            let input = message(length, seed: length)
            let expected = hex(Insecure.MD5.hash(data: input))
            #expect(inlineDigest(.md5, input, pieces: 1) == expected, "length \(length)")
            #expect(inlineDigest(.md5, input, pieces: 2) == expected, "length \(length), in pieces")
        }
    }

    @Test func sha256MatchesTheLibraryAtEveryLength() {
        for length in 0 ... 200 {
            let input = message(length, seed: length)
            let expected = hex(SHA256.hash(data: input))
            #expect(inlineDigest(.sha256, input, pieces: 1) == expected, "length \(length)")
            #expect(inlineDigest(.sha256, input, pieces: 2) == expected, "length \(length), in pieces")
        }
    }

    @Test func publishedVectors() {
        #expect(DigestAlgorithm.md5.hex(Array("abc".utf8)) == Array("900150983cd24fb0d6963f7d28e17f72".utf8))
        #expect(DigestAlgorithm.md5.hex([]) == Array("d41d8cd98f00b204e9800998ecf8427e".utf8))
        #expect(DigestAlgorithm.sha256.hex(Array("abc".utf8))
            == Array("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".utf8))
        // Parts are joined with ':'.
        #expect(DigestAlgorithm.md5.hex(Array("a".utf8), Array("b".utf8)) == DigestAlgorithm.md5.hex(Array("a:b".utf8)))
    }

    @Test func nonceTagIsHMACSHA256OfThePayload() {
        for secret in ["s3cret", String(repeating: "k", count: 64), String(repeating: "long-secret-", count: 9)] {
            let authority = NonceAuthority(secret: Array(secret.utf8), lifetime: 300, maxDrift: 3)
            let nonce = authority.make(now: 1_700_000_123, index: 0xA1B2C3)
            guard let raw = Base64Bytes.decode(nonce[...]) else {
                Issue.record("nonce is not base64")
                continue
            }
            let mac = HMAC<SHA256>.authenticationCode(for: raw[0 ..< 12], using: SymmetricKey(data: Array(secret.utf8)))
            #expect(Array(raw[12...]) == Array(Array(mac).prefix(18)), "secret of \(secret.utf8.count) bytes")
            #expect(authority.verify(nonce[...], now: 1_700_000_123) == .valid(index: 0xA1B2C3))
        }
    }

    @Test func hexDigestLowercasesAndRefusesOverlongText() {
        let upper = Array("ABCDEF0123".utf8)
        #expect(upper.withUnsafeBytes { HexDigest(lowercasing: $0) }?.bytes == Array("abcdef0123".utf8))
        #expect([UInt8](repeating: 0x41, count: 65).withUnsafeBytes { HexDigest(lowercasing: $0) } == nil)
    }
}
