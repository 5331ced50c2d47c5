// Nonces over an injected clock: valid until nonce_expire, then stale; forged, garbled and
// future nonces refused; nonce-counts tracked so the same nc cannot be used twice.
import Testing

@testable import TernModules

@Suite struct NonceTests {
    private let authority = NonceAuthority(secret: Array("s3cret".utf8), lifetime: 300, maxDrift: 3)

    @Test func validUntilExpiryThenStale() {
        let nonce = authority.make(now: 1_000_000, index: 7)
        #expect(nonce.count == NonceAuthority.encodedLength)
        #expect(authority.verify(nonce[...], now: 1_000_000) == .valid(index: 7))
        #expect(authority.verify(nonce[...], now: 1_000_300) == .valid(index: 7))
        #expect(authority.verify(nonce[...], now: 1_000_301) == .stale(index: 7))
    }

    @Test func forgedGarbledAndFutureNoncesAreInvalid() {
        let nonce = authority.make(now: 1_000_000, index: 1)
        var tampered = nonce
        tampered[5] = tampered[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(authority.verify(tampered[...], now: 1_000_000) == .invalid)
        let other = NonceAuthority(secret: Array("other".utf8), lifetime: 300, maxDrift: 3)
        #expect(other.verify(nonce[...], now: 1_000_000) == .invalid)
        #expect(authority.verify(Array("short".utf8)[...], now: 1_000_000) == .invalid)
        #expect(authority.verify(Array(repeating: UInt8(ascii: "!"), count: 40)[...], now: 1_000_000) == .invalid)
        // Made "in the future" beyond the allowed drift.
        #expect(authority.verify(nonce[...], now: 999_990) == .invalid)
        #expect(authority.verify(nonce[...], now: 999_998) == .valid(index: 1))
    }

    @Test func sharedSecretNodesAcceptEachOthersNonces() {
        let a = NonceAuthority(secret: Array("cluster".utf8), lifetime: 60, maxDrift: 3)
        let b = NonceAuthority(secret: Array("cluster".utf8), lifetime: 60, maxDrift: 3)
        #expect(b.verify(a.make(now: 50, index: 3)[...], now: 55) == .valid(index: 3))
    }

    @Test func nonceCountsCannotBeReused() {
        let tracker = NonceCountTracker(size: 64)
        let index = tracker.issue()
        #expect(tracker.check(index: index, nc: 1) == .accepted)
        #expect(tracker.check(index: index, nc: 1) == .replayed)
        #expect(tracker.check(index: index, nc: 2) == .accepted)
        #expect(tracker.check(index: index, nc: 2) == .replayed)
        #expect(tracker.check(index: index, nc: 1) == .replayed)
        #expect(tracker.check(index: index, nc: 256) == .outOfRange)
        let other = tracker.issue()
        #expect(tracker.check(index: other, nc: 1) == .accepted)
    }

    @Test func indexesPushedOutOfTheRingAreStale() {
        let tracker = NonceCountTracker(size: 64)
        let old = tracker.issue()
        for _ in 0..<64 { _ = tracker.issue() }
        #expect(tracker.check(index: old, nc: 1) == .outOfRange)
    }

    @Test func aNonceWhoseSlotWasReusedIsStillCheckedByItsHMAC() {
        let authority = NonceAuthority(secret: Array("ring".utf8), lifetime: 300, maxDrift: 3)
        let first = authority.make(now: 1_000_000, index: 5)
        let later = authority.make(now: 1_000_001, index: 5 + UInt32(IssuedNonceRing.capacity))
        #expect(authority.verify(first[...], now: 1_000_002) == .valid(index: 5))
        #expect(authority.verify(later[...], now: 1_000_002) == .valid(index: 5 + UInt32(IssuedNonceRing.capacity)))
        var tampered = first
        tampered[39] = tampered[39] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(authority.verify(tampered[...], now: 1_000_002) == .invalid)
    }

    @Test func anAllZeroNonceMatchesNoEmptySlot() {
        // 40 'A's decode to 30 zero bytes: index 0, whose slot was never filled.
        let zero = Array(repeating: UInt8(ascii: "A"), count: NonceAuthority.encodedLength)
        #expect(authority.verify(zero[...], now: 1_000_000) == .invalid)
    }

    @Test func base64RoundTrip() {
        let bytes: [UInt8] = (0..<30).map { UInt8($0 * 7 & 0xff) }
        let text = Base64Bytes.encode(bytes)
        #expect(text.count == 40)
        #expect(Base64Bytes.decode(text[...]) == bytes)
        #expect(Base64Bytes.encode(Array("Man".utf8)) == Array("TWFu".utf8))
        #expect(Base64Bytes.encode(Array("Ma".utf8)) == Array("TWE=".utf8))
    }
}
