/// Hex, base64 (standard and URL alphabets, padded or trimmed) and base58 (Bitcoin alphabet),
/// as Kamailio's `{s.encode.*}` / `{s.decode.*}` transformations use them.
enum HexText {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 2)
        for x in b {
            out.append(digits[Int(x >> 4)])
            out.append(digits[Int(x & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Pairs of hex digits (either case); a trailing odd digit is ignored, any other byte fails.
    static func decode(_ b: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var i = 0
        while i + 1 < b.count {
            guard isHexDigit(b[i]), isHexDigit(b[i + 1]) else { return nil }
            out.append(hexNibble(b[i]) << 4 | hexNibble(b[i + 1]))
            i += 2
        }
        return out
    }
}

enum Base64 {
    enum Alphabet {
        case standard, url

        private static let standardTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        private static let urlTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        /// Byte → 6-bit value, 0xFF outside the alphabet.
        private static let standardValues = reverse(standardTable)
        private static let urlValues = reverse(urlTable)

        private static func reverse(_ table: [UInt8]) -> [UInt8] {
            var values = [UInt8](repeating: 0xFF, count: 256)
            for (index, byte) in table.enumerated() { values[Int(byte)] = UInt8(index) }
            return values
        }

        var table: [UInt8] { self == .standard ? Self.standardTable : Self.urlTable }
        var values: [UInt8] { self == .standard ? Self.standardValues : Self.urlValues }
    }

    static func encode(_ b: [UInt8], alphabet: Alphabet, padded: Bool) -> String {
        let t = alphabet.table
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = UInt32(b[i]) << 16 | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            out.append(t[Int(v >> 18 & 63)])
            out.append(t[Int(v >> 12 & 63)])
            if n > 1 { out.append(t[Int(v >> 6 & 63)]) } else if padded { out.append(UInt8(ascii: "=")) }
            if n > 2 { out.append(t[Int(v & 63)]) } else if padded { out.append(UInt8(ascii: "=")) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Accepts input with or without `=` padding; any byte outside the alphabet fails.
    static func decode(_ b: [UInt8], alphabet: Alphabet) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(b.count)
        let t = alphabet.values
        var end = b.count
        while end > 0, b[end - 1] == UInt8(ascii: "=") { end -= 1 }
        guard b.count - end <= 2 else { return nil }
        for x in b[..<end] {
            let v = t[Int(x)]
            guard v != 0xFF else { return nil }
            values.append(v)
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var i = 0
        while i < values.count {
            let n = min(4, values.count - i)
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 6 | (k < n ? UInt32(values[i + k]) : 0) }
            out.append(UInt8(v >> 16 & 0xFF))
            if n > 2 { out.append(UInt8(v >> 8 & 0xFF)) }
            if n > 3 { out.append(UInt8(v & 0xFF)) }
            i += 4
        }
        return out
    }
}

enum Base58 {
    private static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    static func encode(_ b: [UInt8]) -> String {
        let zeros = b.prefix { $0 == 0 }.count
        var digits: [UInt8] = []   // base 58, least significant first
        for byte in b {
            var carry = Int(byte)
            for j in 0..<digits.count {
                carry += Int(digits[j]) << 8
                digits[j] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        for d in digits.reversed() { out.append(alphabet[Int(d)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: [UInt8]) -> [UInt8]? {
        let zeros = text.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []   // base 256, least significant first
        for c in text {
            guard let value = alphabet.firstIndex(of: c) else { return nil }
            var carry = value
            for j in 0..<bytes.count {
                carry += Int(bytes[j]) * 58
                bytes[j] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}

/// The value of a hex digit (0 for any other byte).
@inline(__always) func hexNibble(_ b: UInt8) -> UInt8 {
    UInt8(truncatingIfNeeded: isHexDigit(b) ? hexValue(b) : 0)
}
