/// Rewrites a POSIX extended regex so that it matches without regard to ASCII case when
/// compiled *without* REG_ICASE: `a` becomes `[aA]`, `[a-c]` becomes `[a-cABC]`. The C
/// library's REG_ICASE matching copies (and so allocates) a case-translated buffer on every
/// match; the rewritten pattern matches the bytes as they are. Nil when the pattern uses
/// something this rewrite does not handle (then REG_ICASE is used as before).
enum CaseFoldedPattern {
    static func rewrite(_ pattern: String) -> String? {
        let p = Array(pattern.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(p.count * 2)
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case UInt8(ascii: "\\"):
                // GNU escapes (\w \s \b \< …) are letters with a meaning: keep them; a back
                // reference would compare case-sensitively: give up.
                guard i + 1 < p.count else { return nil }
                if isDigit(p[i + 1]) { return nil }
                out += p[i...(i + 1)]
                i += 2
            case UInt8(ascii: "["):
                guard let end = bracket(p, from: i, into: &out) else { return nil }
                i = end
            default:
                if let other = otherCase(c) {
                    out += [UInt8(ascii: "["), c, other, UInt8(ascii: "]")]
                } else {
                    out.append(c)
                }
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func otherCase(_ c: UInt8) -> UInt8? {
        if c >= 0x41, c <= 0x5A { return c | 0x20 }
        if c >= 0x61, c <= 0x7A { return c & 0xDF }
        return nil
    }

    /// Copies the bracket expression starting at `start` (a `[`) with the other case of every
    /// letter it lists added before its `]`; returns the index after it, or nil when it is
    /// unterminated or holds an equivalence class / collating element.
    private static func bracket(_ p: [UInt8], from start: Int, into out: inout [UInt8]) -> Int? {
        var i = start + 1
        var body: [UInt8] = []
        var extra: [UInt8] = []
        if i < p.count, p[i] == UInt8(ascii: "^") {
            body.append(p[i])
            i += 1
        }
        var first = true
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "]"), !first { break }
            first = false
            if c == UInt8(ascii: "["), i + 1 < p.count {
                let kind = p[i + 1]
                if kind == UInt8(ascii: "=") || kind == UInt8(ascii: ".") { return nil }
                if kind == UInt8(ascii: ":") {
                    // [:alpha:] and friends already cover both cases where it matters;
                    // [:upper:]/[:lower:] do not.
                    guard let close = find(p, [UInt8(ascii: ":"), UInt8(ascii: "]")], from: i + 2) else { return nil }
                    let name = String(decoding: p[(i + 2)..<close], as: UTF8.self)
                    if name == "upper" || name == "lower" {
                        body += Array("[:alpha:]".utf8)
                    } else {
                        body += p[i..<(close + 2)]
                    }
                    i = close + 2
                    continue
                }
            }
            if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                let low = c, high = p[i + 2]
                guard low <= high else { return nil }
                body += [low, UInt8(ascii: "-"), high]
                for x in low...high {
                    if let o = otherCase(x) { extra.append(o) }
                }
                i += 3
                continue
            }
            body.append(c)
            if let o = otherCase(c) { extra.append(o) }
            i += 1
        }
        guard i < p.count else { return nil }
        out.append(UInt8(ascii: "["))
        // The added letters go last, but before a literal '-' that ends the list (after it
        // they would make a range).
        if body.last == UInt8(ascii: "-"), body.count > 1 {
            out += body.dropLast()
            out += extra
            out.append(UInt8(ascii: "-"))
        } else {
            out += body
            out += extra
        }
        out.append(UInt8(ascii: "]"))
        return i + 1
    }

    private static func find(_ p: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        var i = from
        while i + needle.count <= p.count {
            if p[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
