import CLibCrypto

/// MD5 with its context held inline (libcrypto's MD5_CTX): hashing a few short strings per
/// request allocates nothing, and a started context copies like any value (HMAC key states).
struct MD5Digest {
    static let digestLength = 16
    private var context = MD5_CTX()

    init() { MD5_Init(&context) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        MD5_Update(&context, base, bytes.count)
    }

    mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update($0) }
    }

    /// Writes `digestLength` bytes to `out`.
    mutating func finish(into out: UnsafeMutableRawPointer) {
        MD5_Final(out.assumingMemoryBound(to: UInt8.self), &context)
    }
}

/// SHA-256 with its context held inline (libcrypto's SHA256_CTX); see MD5Digest.
struct SHA256Digest {
    static let digestLength = 32
    private var context = SHA256_CTX()

    init() { SHA256_Init(&context) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update($0) }
    }

    /// Writes `digestLength` bytes to `out`.
    mutating func finish(into out: UnsafeMutableRawPointer) {
        SHA256_Final(out.assumingMemoryBound(to: UInt8.self), &context)
    }
}

/// Eight words: room for a 32-byte digest or its 64 hex characters.
typealias DigestWords = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

/// A digest in lowercase hex, held inline (64 characters: SHA-256's, the longest here).
struct HexDigest {
    private var storage: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var count = 0

    init() {}

    /// `raw` (at most 32 bytes) in lowercase hex.
    init(raw: UnsafeRawBufferPointer) {
        let table: StaticString = "0123456789abcdef"
        let digits = table.utf8Start
        let n = min(raw.count, 32)
        withUnsafeMutableBytes(of: &storage) { out in
            for i in 0 ..< n {
                let b = raw[i]
                out[i &* 2] = digits[Int(b &>> 4)]
                out[i &* 2 &+ 1] = digits[Int(b & 0x0f)]
            }
        }
        count = n &* 2
    }

    /// Hex text as given, lowercased; nil when longer than 64 characters.
    init?(lowercasing text: UnsafeRawBufferPointer) {
        guard text.count <= 64 else { return nil }
        withUnsafeMutableBytes(of: &storage) { out in
            for i in 0 ..< text.count { out[i] = asciiLower(text[i]) }
        }
        count = text.count
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = storage
        let n = count
        return try withUnsafeBytes(of: &copy) { try body(UnsafeRawBufferPointer(rebasing: $0[0 ..< n])) }
    }

    var bytes: [UInt8] { withBytes { Array($0) } }
}
