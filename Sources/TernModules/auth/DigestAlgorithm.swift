import Crypto

/// The digest algorithms Tern answers (RFC 2617 MD5, RFC 7616/8760 SHA-256), each with its
/// "-sess" variant. Hashes are lowercase hex, as the protocol carries them.
enum DigestAlgorithm: Sendable, Equatable {
    case md5, md5Session, sha256, sha256Session

    /// From the `algorithm` parameter of credentials or config (case-insensitive); absent = MD5.
    init?(name: String) {
        switch name.lowercased() {
        case "", "md5": self = .md5
        case "md5-sess": self = .md5Session
        case "sha-256": self = .sha256
        case "sha-256-sess": self = .sha256Session
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .md5: return "MD5"
        case .md5Session: return "MD5-sess"
        case .sha256: return "SHA-256"
        case .sha256Session: return "SHA-256-sess"
        }
    }

    var isSession: Bool { self == .md5Session || self == .sha256Session }

    /// Length of a hash in hex (the length of a stored HA1 for this algorithm).
    var hexLength: Int { (self == .md5 || self == .md5Session) ? 32 : 64 }

    func hex(_ parts: [UInt8]...) -> [UInt8] {
        hex(joined: parts)
    }

    /// The hash of the parts joined with ':' (digest's universal separator).
    func hex(joined parts: [[UInt8]]) -> [UInt8] {
        switch self {
        case .md5, .md5Session:
            var h = Insecure.MD5()
            feed(&h, parts)
            return h.finalize().withUnsafeBytes { Self.hexDigits(raw: $0) }
        case .sha256, .sha256Session:
            var h = SHA256()
            feed(&h, parts)
            return h.finalize().withUnsafeBytes { Self.hexDigits(raw: $0) }
        }
    }

    private func feed<H: HashFunction>(_ h: inout H, _ parts: [[UInt8]]) {
        let colon: [UInt8] = [UInt8(ascii: ":")]
        for (i, part) in parts.enumerated() {
            if i > 0 { colon.withUnsafeBytes { h.update(bufferPointer: $0) } }
            part.withUnsafeBytes { h.update(bufferPointer: $0) }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A digest's bytes in lowercase hex, written straight into the array (a digest walked as
    /// a Sequence costs an iterator call per byte; this runs three times per authorization).
    static func hexDigits(raw: UnsafeRawBufferPointer) -> [UInt8] {
        let table: StaticString = "0123456789abcdef"
        let t = table.utf8Start
        return [UInt8](unsafeUninitializedCapacity: raw.count &* 2) { out, count in
            var at = 0
            for b in raw {
                out[at] = t[Int(b >> 4)]
                out[at &+ 1] = t[Int(b & 0x0f)]
                at &+= 2
            }
            count = at
        }
    }

    static func hexDigits<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return out
    }
}

extension DigestAlgorithm {
    /// HA1 = H(username:realm:password) (RFC 2617 §3.2.2.2); what ha1/ha1b columns hold.
    func ha1(username: [UInt8], realm: [UInt8], password: [UInt8]) -> [UInt8] {
        hex(username, realm, password)
    }

    /// Convenience for tools (ternctl, tests).
    func ha1Text(username: String, realm: String, password: String) -> String {
        String(decoding: ha1(username: Array(username.utf8), realm: Array(realm.utf8), password: Array(password.utf8)), as: UTF8.self)
    }
}
