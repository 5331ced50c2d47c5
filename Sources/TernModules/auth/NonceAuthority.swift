import Crypto

/// Makes and checks nonces without keeping them: a nonce carries when it was made, when it
/// expires and its index for nonce-count tracking, sealed by an HMAC-SHA256 over those with
/// the module's `secret`. Nodes that share the secret accept each other's nonces.
///
/// Layout (30 bytes, 40 base64 characters): since(4) expires(4) index(4) tag(18).
struct NonceAuthority: Sendable {
    enum Verdict: Equatable {
        /// Sealed by us and not expired.
        case valid(index: UInt32)
        /// Sealed by us but expired (or its index is too old to track): challenge with stale=true.
        case stale(index: UInt32)
        /// Not ours, garbled, or from the future.
        case invalid
    }

    static let encodedLength = 40
    private static let tagLength = 18
    /// The HMAC key blocks (RFC 2104: the secret, hashed when longer than a block, xor
    /// ipad/opad), already fed to the two hashes: each tag starts from copies of these states
    /// instead of hashing the same two key blocks again.
    private let innerStart: SHA256
    private let outerStart: SHA256
    /// Seconds a nonce stays valid (`nonce_expire`).
    let lifetime: Int64
    /// How far in the future a nonce's start may lie (`nonce_auth_max_drift`), for clustered clocks.
    let maxDrift: Int64

    init(secret: [UInt8], lifetime: Int64, maxDrift: Int64) {
        var key = secret
        if key.count > 64 {
            var h = SHA256()
            secret.withUnsafeBytes { h.update(bufferPointer: $0) }
            key = Array(h.finalize())
        }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256()
        key.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = SHA256()
        key.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        innerStart = inner
        outerStart = outer
        self.lifetime = lifetime
        self.maxDrift = maxDrift
    }

    func make(now: Int64, index: UInt32) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(30)
        Self.append(UInt32(truncatingIfNeeded: now), to: &payload)
        Self.append(UInt32(truncatingIfNeeded: now + lifetime), to: &payload)
        Self.append(index, to: &payload)
        payload += tag(payload)
        return Base64Bytes.encode(payload)
    }

    func verify(_ nonce: ArraySlice<UInt8>, now: Int64) -> Verdict {
        guard nonce.count == Self.encodedLength, let raw = Base64Bytes.decode(nonce), raw.count == 30 else { return .invalid }
        let payload = Array(raw[0..<12])
        let expected = tag(payload)
        var diff: UInt8 = 0
        for (a, b) in zip(expected, raw[12...]) { diff |= a ^ b }
        guard diff == 0 else { return .invalid }
        let since = Int64(Self.read(raw, 0))
        let expires = Int64(Self.read(raw, 4))
        let index = Self.read(raw, 8)
        guard expires >= since, since <= now + maxDrift else { return .invalid }
        return now > expires ? .stale(index: index) : .valid(index: index)
    }

    /// HMAC-SHA256 over the payload, truncated (RFC 2104 §5 allows truncation).
    private func tag(_ payload: [UInt8]) -> [UInt8] {
        var inner = innerStart
        payload.withUnsafeBytes { inner.update(bufferPointer: $0) }
        let innerDigest = inner.finalize()
        var outer = outerStart
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes { Array($0.prefix(Self.tagLength)) }
    }

    private static func append(_ v: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }

    private static func read(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}
