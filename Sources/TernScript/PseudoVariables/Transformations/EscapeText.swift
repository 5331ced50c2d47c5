/// The escapes of Kamailio's core string utilities, byte for byte: backslash escapes
/// (`escape.common`), %-escapes of URI user and parameter parts (lowercase hex; only
/// printable ASCII accepted), URL encoding of parameters and CSV quoting.
enum EscapeText {
    /// Kept as they are by `{s.escape.user}` besides letters and digits.
    static let userUnreserved: Set<UInt8> = Set("-_.!~*'()&=+$,;?".utf8)
    /// Kept as they are by `{s.escape.param}` besides letters and digits.
    static let paramUnreserved: Set<UInt8> = Set("-_.!~*'()[]/:&+$".utf8)
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `'`, `"` and `\` get a backslash; a NUL byte becomes `\0`.
    static func escapeCommon(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for x in b {
            switch x {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(x)
            case 0:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "0"))
            default:
                out.append(x)
            }
        }
        return out
    }

    static func unescapeCommon(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                switch b[i + 1] {
                case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(b[i + 1])
                    i += 2
                    continue
                case UInt8(ascii: "0"):
                    out.append(0)
                    i += 2
                    continue
                default:
                    break
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    /// %-escapes every byte but letters, digits and `keeping`; nil when a byte is not
    /// printable ASCII (Kamailio refuses those).
    static func escape(_ b: [UInt8], keeping: Set<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for x in b {
            guard x >= 32, x <= 126 else { return nil }
            if isLetter(x) || isDigit(x) || keeping.contains(x) {
                out.append(x)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(x >> 4)], hex[Int(x & 0x0F)]]
            }
        }
        return out
    }

    /// Resolves %-escapes; nil for a bad escape or one that is not printable ASCII.
    static func unescapePrintable(_ b: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, isHexDigit(b[i + 1]), isHexDigit(b[i + 2]) else { return nil }
                let c = hexNibble(b[i + 1]) << 4 | hexNibble(b[i + 2])
                guard c >= 32, c <= 126 else { return nil }
                out.append(c)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// Everything but letters, digits and `-_.~` as %XX.
    static func urlEncode(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for x in b {
            if isLetter(x) || isDigit(x) || x == UInt8(ascii: "-") || x == UInt8(ascii: "_") || x == UInt8(ascii: ".") || x == UInt8(ascii: "~") {
                out.append(x)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(x >> 4)], hex[Int(x & 0x0F)]]
            }
        }
        return out
    }

    /// %XX to bytes and `+` to a space; a `%` without two following bytes is dropped.
    static func urlDecode(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let x = b[i]
            if x == UInt8(ascii: "%") {
                if i + 2 < b.count {
                    out.append(hexNibble(b[i + 1]) << 4 | hexNibble(b[i + 2]))
                    i += 3
                } else {
                    i += 1
                }
            } else {
                out.append(x == UInt8(ascii: "+") ? UInt8(ascii: " ") : x)
                i += 1
            }
        }
        return out
    }

    /// RFC 4180: in double quotes, with inner double quotes doubled.
    static func csv(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for x in b {
            if x == UInt8(ascii: "\"") { out.append(x) }
            out.append(x)
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
