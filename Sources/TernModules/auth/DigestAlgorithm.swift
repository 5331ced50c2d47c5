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

    /// The same, from the credentials' bytes (no String per request).
    init?(name bytes: ArraySlice<UInt8>) {
        func isName(_ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            let n = name.utf8Start
            var i = 0
            for b in bytes {
                if asciiLower(b) != asciiLower(n[i]) { return false }
                i &+= 1
            }
            return true
        }
        if bytes.isEmpty || isName("md5") { self = .md5 }
        else if isName("md5-sess") { self = .md5Session }
        else if isName("sha-256") { self = .sha256 }
        else if isName("sha-256-sess") { self = .sha256Session }
        else { return nil }
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
        var digest = JoinedDigest(self)
        for part in parts { part.withUnsafeBytes { digest.add($0) } }
        return digest.finish().bytes
    }
}

/// H(part1:part2:…) for one algorithm, fed part by part from wherever the parts are (the
/// message, a password, an earlier hash) without joining them first.
struct JoinedDigest {
    private var md5 = MD5Digest()
    private var sha256 = SHA256Digest()
    private let usesMD5: Bool
    private var started = false

    init(_ algorithm: DigestAlgorithm) {
        usesMD5 = algorithm.hexLength == 32
    }

    mutating func add(_ part: UnsafeRawBufferPointer) {
        if started {
            if usesMD5 { md5.update(byte: UInt8(ascii: ":")) } else { sha256.update(byte: UInt8(ascii: ":")) }
        }
        started = true
        if usesMD5 { md5.update(part) } else { sha256.update(part) }
    }

    mutating func add(_ hex: HexDigest) {
        hex.withBytes { add($0) }
    }

    /// The digest in lowercase hex.
    mutating func finish() -> HexDigest {
        var raw: DigestWords = (0, 0, 0, 0, 0, 0, 0, 0)
        let length = usesMD5 ? MD5Digest.digestLength : SHA256Digest.digestLength
        return withUnsafeMutableBytes(of: &raw) { out in
            if usesMD5 { md5.finish(into: out.baseAddress.unsafelyUnwrapped) } else { sha256.finish(into: out.baseAddress.unsafelyUnwrapped) }
            return HexDigest(raw: UnsafeRawBufferPointer(rebasing: out[0 ..< length]))
        }
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
