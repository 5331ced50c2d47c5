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
    private static let payloadLength = 12
    private static let tagLength = 18
    private static let rawLength = 30
    /// The HMAC key blocks (RFC 2104: the secret, hashed when longer than a block, xor
    /// ipad/opad), already folded into the two hashes: each tag starts from copies of these
    /// states instead of hashing the same two key blocks again.
    private let innerStart: SHA256Digest
    private let outerStart: SHA256Digest
    /// The nonces made here lately: checking one of those needs no HMAC.
    private let issued = IssuedNonceRing()
    /// Seconds a nonce stays valid (`nonce_expire`).
    let lifetime: Int64
    /// How far in the future a nonce's start may lie (`nonce_auth_max_drift`), for clustered clocks.
    let maxDrift: Int64

    init(secret: [UInt8], lifetime: Int64, maxDrift: Int64) {
        var key = secret
        if key.count > 64 {
            var h = SHA256Digest()
            secret.withUnsafeBytes { h.update($0) }
            var digest: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &digest) { h.finish(into: $0.baseAddress.unsafelyUnwrapped) }
            key = withUnsafeBytes(of: &digest) { Array($0.prefix(SHA256Digest.digestLength)) }
        }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256Digest()
        key.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update($0) }
        var outer = SHA256Digest()
        key.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update($0) }
        innerStart = inner
        outerStart = outer
        self.lifetime = lifetime
        self.maxDrift = maxDrift
    }

    func make(now: Int64, index: UInt32) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.encodedLength) { out, count in
            make(now: now, index: index, into: UnsafeMutableRawBufferPointer(out))
            count = Self.encodedLength
        }
    }

    /// Writes the nonce's `encodedLength` characters to `out`.
    func make(now: Int64, index: UInt32, into out: UnsafeMutableRawBufferPointer) {
        var raw: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { r in
            let p = r.baseAddress.unsafelyUnwrapped
            p.storeBytes(of: UInt32(truncatingIfNeeded: now).bigEndian, toByteOffset: 0, as: UInt32.self)
            p.storeBytes(of: UInt32(truncatingIfNeeded: now + lifetime).bigEndian, toByteOffset: 4, as: UInt32.self)
            p.storeBytes(of: index.bigEndian, toByteOffset: 8, as: UInt32.self)
            tag(UnsafeRawBufferPointer(rebasing: r[0 ..< Self.payloadLength]), into: p + Self.payloadLength)
            issued.remember(p, index: index)
            Base64Bytes.encode(UnsafeRawBufferPointer(rebasing: r[0 ..< Self.rawLength]), into: out)
        }
    }

    func verify(_ nonce: ArraySlice<UInt8>, now: Int64) -> Verdict {
        guard nonce.count == Self.encodedLength else { return .invalid }
        var raw: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
        var expected: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
        let decoded = withUnsafeMutableBytes(of: &raw) { r in
            nonce.withUnsafeBytes { Base64Bytes.decode($0, into: r) }
        }
        guard decoded == Self.rawLength else { return .invalid }
        let sealed = withUnsafeBytes(of: &raw) { r in
            let p = r.baseAddress.unsafelyUnwrapped
            if issued.contains(p, index: UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) { return true }
            return withUnsafeMutableBytes(of: &expected) { e in
                tag(UnsafeRawBufferPointer(rebasing: r[0 ..< Self.payloadLength]), into: e.baseAddress.unsafelyUnwrapped)
                var diff: UInt8 = 0
                for i in 0 ..< Self.tagLength { diff |= e[i] ^ r[Self.payloadLength &+ i] }
                return diff == 0
            }
        }
        guard sealed else { return .invalid }
        let (since, expires, index) = withUnsafeBytes(of: &raw) { r in
            (Int64(UInt32(bigEndian: r.loadUnaligned(fromByteOffset: 0, as: UInt32.self))),
             Int64(UInt32(bigEndian: r.loadUnaligned(fromByteOffset: 4, as: UInt32.self))),
             UInt32(bigEndian: r.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        }
        guard expires >= since, since <= now + maxDrift else { return .invalid }
        return now > expires ? .stale(index: index) : .valid(index: index)
    }

    /// HMAC-SHA256 over the payload, truncated to `tagLength` bytes (RFC 2104 §5 allows
    /// truncation), written to `out`.
    private func tag(_ payload: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) {
        var inner = innerStart
        inner.update(payload)
        var digest: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { d in
            inner.finish(into: d.baseAddress.unsafelyUnwrapped)
            var outer = outerStart
            outer.update(UnsafeRawBufferPointer(rebasing: d[0 ..< SHA256Digest.digestLength]))
            outer.finish(into: d.baseAddress.unsafelyUnwrapped)
            out.copyMemory(from: d.baseAddress.unsafelyUnwrapped, byteCount: Self.tagLength)
        }
    }
}
