/// The `s.` class (spec §3.4), with Kamailio 5.6.3's edge cases: `{s.substr}` out of range
/// fails, `{s.select}` past the last field is empty, `{s.int}` of text that is not entirely a
/// number fails, `{s.before}` without the separator keeps everything and `{s.after}` keeps
/// nothing. Values are treated as bytes; case changes touch ASCII letters only.
enum StringTransformations {
    static var all: [TransformationDeclaration] {
        basic + slicing + encodings + escapes + digests
    }

    // MARK: - Length, numbers, case, blanks

    static let basic: [TransformationDeclaration] = [
        CoreTransformations.simple("s.len") { v in .int(v.stringValue.utf8.count) },
        CoreTransformations.simple("s.int") { v in
            if case .int = v { return v }
            return wholeInteger(Array(v.stringValue.utf8)).map { .int($0) } ?? .null
        },
        CoreTransformations.bytes("s.numeric") { b in .string(ByteText.string(b.filter { isDigit($0) })) },
        CoreTransformations.bytes("s.tolower") { b in
            .string(ByteText.string(b.map { ByteText.lower($0) }))
        },
        CoreTransformations.bytes("s.toupper") { b in
            .string(ByteText.string(b.map { ($0 >= 0x61 && $0 <= 0x7A) ? $0 & 0xDF : $0 }))
        },
        CoreTransformations.bytes("s.trim") { b in .string(ByteText.string(trim(b[...], leading: true, trailing: true))) },
        CoreTransformations.bytes("s.ltrim") { b in .string(ByteText.string(trim(b[...], leading: true, trailing: false))) },
        CoreTransformations.bytes("s.rtrim") { b in .string(ByteText.string(trim(b[...], leading: false, trailing: true))) },
        CoreTransformations.bytes("s.rmws") { b in .string(ByteText.string(b.filter { !ByteText.isBlank($0) })) },
        CoreTransformations.bytes("s.unquote") { b in
            guard b.count >= 2, b[0] == b[b.count - 1], b[0] == UInt8(ascii: "\"") || b[0] == UInt8(ascii: "'") else {
                return .string(ByteText.string(b))
            }
            return .string(ByteText.string(b[1..<(b.count - 1)]))
        },
        CoreTransformations.bytes("s.unbracket") { b in
            guard b.count >= 2 else { return .string(ByteText.string(b)) }
            let pairs: [(UInt8, UInt8)] = [(0x28, 0x29), (0x5B, 0x5D), (0x7B, 0x7D), (0x3C, 0x3E)]
            guard pairs.contains(where: { $0.0 == b[0] && $0.1 == b[b.count - 1] }) else { return .string(ByteText.string(b)) }
            return .string(ByteText.string(b[1..<(b.count - 1)]))
        },
        TransformationDeclaration(name: "s.corehash", parameterCounts: 0...1) { p, at throws(Diagnostic) in
            try p.first?.requireInt("s.corehash", at: at)
            let size = p.first
            return { ctx, v in
                guard !v.isNull else { return .null }
                var slots: UInt32 = 0
                if let size {
                    guard let n = size.int(ctx) else { return .null }
                    slots = UInt32(truncatingIfNeeded: n)
                }
                return .string(String(coreHash(Array(v.stringValue.utf8), slots: slots)))
            }
        },
        TransformationDeclaration(name: "s.ftime", parameterCounts: 1...1) { p, _ throws(Diagnostic) in
            let format = p[0]
            return { ctx, v in
                let seconds: Int
                switch v {
                case .int(let i): seconds = i
                case .string(let s):
                    guard let n = wholeInteger(Array(s.utf8)), n >= 0 else { return .null }
                    seconds = n
                case .null: return .null
                }
                guard let f = format.string(ctx) else { return .null }
                return .string(TimeText.format(f, seconds: seconds, utc: false))
            }
        },
    ]

    /// Kamailio's str2sint: an optional sign and digits only, within 32 bits; "" fails.
    static func wholeInteger(_ b: [UInt8]) -> Int? {
        guard !b.isEmpty else { return nil }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-") {
            negative = b[0] == UInt8(ascii: "-")
            i = 1
        }
        var v = 0
        while i < b.count {
            guard isDigit(b[i]) else { return nil }
            v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            if v > Int(Int32.max) + (negative ? 1 : 0) { return nil }
            i += 1
        }
        return negative ? -v : v
    }

    static func trim(_ b: ArraySlice<UInt8>, leading: Bool, trailing: Bool) -> ArraySlice<UInt8> {
        var s = b
        if leading { s = s.drop(while: ByteText.isBlank) }
        if trailing { while let l = s.last, ByteText.isBlank(l) { s = s.dropLast() } }
        return s
    }

    /// Kamailio's core_hash of one string (bytes taken as signed chars, as its C code does).
    static func coreHash(_ b: [UInt8], slots: UInt32) -> UInt32 {
        @inline(__always) func s(_ x: UInt8) -> UInt32 { UInt32(bitPattern: Int32(Int8(bitPattern: x))) }
        var h: UInt32 = 0
        var i = 0
        while i + 4 <= b.count {
            let v = (s(b[i]) << 24) &+ (s(b[i + 1]) << 16) &+ (s(b[i + 2]) << 8) &+ s(b[i + 3])
            h = h &+ (v ^ (v >> 3))
            i += 4
        }
        var v: UInt32 = 0
        while i < b.count {
            v = (v << 8) &+ s(b[i])
            i += 1
        }
        h = h &+ (v ^ (v >> 3))
        h = (h &+ (h >> 7)) &+ ((h >> 13) &+ (h >> 23))
        return slots != 0 ? h & (slots &- 1) : h
    }

    // MARK: - Cutting and searching

    static let slicing: [TransformationDeclaration] = [
        TransformationDeclaration(name: "s.substr", parameterCounts: 2...2) { p, at throws(Diagnostic) in
            let offset = p[0], length = p[1]
            try offset.requireInt("s.substr", at: at)
            try length.requireInt("s.substr", at: at)
            return { ctx, v in
                guard !v.isNull, var i = offset.int(ctx), var j = length.int(ctx), j >= 0 else { return .null }
                let b = Array(v.stringValue.utf8)
                let n = b.count
                if i >= 0 {
                    guard i < n else { return .null }
                    if i + j >= n { j = 0 }
                    return .string(ByteText.string(j == 0 ? b[i...] : b[i..<(i + j)]))
                }
                i = -i
                guard i <= n else { return .null }
                if i < j { j = 0 }
                let start = n - i
                return .string(ByteText.string(j == 0 ? b[start...] : b[start..<(start + j)]))
            }
        },
        TransformationDeclaration(name: "s.select", parameterCounts: 2...2, lastParameterIsCharacter: true) { p, at throws(Diagnostic) in
            try p[0].requireInt("s.select", at: at)
            let index = p[0]
            let separator = try character(p[1], "s.select", at: at)
            return { ctx, v in
                guard !v.isNull, let n = index.int(ctx) else { return .null }
                let fields = Array(v.stringValue.utf8).split(separator: separator, omittingEmptySubsequences: false)
                let k = n >= 0 ? n : fields.count + n
                guard k >= 0, k < fields.count else { return .string("") }
                return .string(ByteText.string(fields[k]))
            }
        },
        TransformationDeclaration(name: "s.count", parameterCounts: 1...1, lastParameterIsCharacter: true) { p, _ throws(Diagnostic) in
            let what = p[0]
            return { ctx, v in
                guard !v.isNull, let s = what.string(ctx), let c = s.utf8.first else { return .null }
                return .int(v.stringValue.utf8.reduce(0) { $0 + ($1 == c ? 1 : 0) })
            }
        },
        stripping("s.strip") { b, k in b[k...] },
        stripping("s.striptail") { b, k in b[..<(b.count - k)] },
        charSearch("s.stripto") { b, c in
            guard let i = b.firstIndex(of: c) else { return [] }
            return b[i...]
        },
        charSearch("s.before") { b, c in b[..<(b.firstIndex(of: c) ?? b.count)] },
        charSearch("s.after") { b, c in
            guard let i = b.firstIndex(of: c) else { return [] }
            return b[(i + 1)...]
        },
        // Kamailio 5.6.3 returns garbage for these two (spec §9): they do what they say.
        charSearch("s.rbefore") { b, c in b[..<(b.lastIndex(of: c) ?? b.count)] },
        charSearch("s.rafter") { b, c in
            guard let i = b.lastIndex(of: c) else { return [] }
            return b[(i + 1)...]
        },
        TransformationDeclaration(name: "s.replace", parameterCounts: 2...2) { p, _ throws(Diagnostic) in
            let what = p[0], with = p[1]
            return { ctx, v in
                guard !v.isNull, let a = what.string(ctx), let b = with.string(ctx) else { return .null }
                return .string(ByteText.string(replacing(Array(v.stringValue.utf8), Array(a.utf8), with: Array(b.utf8))))
            }
        },
        TransformationDeclaration(name: "s.rm", parameterCounts: 1...1) { p, _ throws(Diagnostic) in
            let what = p[0]
            let literal = what.isConstant ? unescapedParameter(what.text) : []
            return { ctx, v in
                guard !v.isNull else { return .null }
                let needle: [UInt8]
                if what.isConstant {
                    needle = literal
                } else {
                    guard let s = what.string(ctx) else { return .null }
                    needle = Array(s.utf8)
                }
                return .string(ByteText.string(replacing(Array(v.stringValue.utf8), needle, with: [])))
            }
        },
        prefixes("s.prefixes", quoted: false),
        prefixes("s.prefixes.quoted", quoted: true),
        lines("s.fmtlines", indent: UInt8(ascii: " ")),
        lines("s.fmtlinet", indent: UInt8(ascii: "\t")),
    ]

    /// A one-character parameter: the character, or the byte an escape stands for.
    static func character(_ p: TransformationParameter, _ name: String, at: SourceLocation) throws(Diagnostic) -> UInt8 {
        guard p.isConstant else { throw .error("'{\(name)}' takes a character here, not a pseudo-variable", at: at) }
        let b = Array(p.text.utf8)
        if b.count == 1 { return b[0] }
        if b.count == 2, b[0] == UInt8(ascii: "\\") {
            switch b[1] {
            case UInt8(ascii: "n"): return 0x0A
            case UInt8(ascii: "r"): return 0x0D
            case UInt8(ascii: "t"): return 0x09
            case UInt8(ascii: "\\"): return 0x5C
            default: break
            }
        }
        throw .error("'{\(name)}' takes one character here, not '\(p.text)'", at: at)
    }

    private static func stripping(_ name: String, _ cut: @escaping @Sendable ([UInt8], Int) -> ArraySlice<UInt8>) -> TransformationDeclaration {
        TransformationDeclaration(name: name, parameterCounts: 1...1) { p, at throws(Diagnostic) in
            try p[0].requireInt(name, at: at)
            let count = p[0]
            return { ctx, v in
                guard !v.isNull, let k = count.int(ctx) else { return .null }
                let b = Array(v.stringValue.utf8)
                if k <= 0 { return .string(v.stringValue) }
                if k >= b.count { return .string("") }
                return .string(ByteText.string(cut(b, k)))
            }
        }
    }

    /// Transformations that search for the first character of their parameter.
    private static func charSearch(_ name: String, _ body: @escaping @Sendable (ArraySlice<UInt8>, UInt8) -> ArraySlice<UInt8>) -> TransformationDeclaration {
        TransformationDeclaration(name: name, parameterCounts: 1...1, lastParameterIsCharacter: true) { p, _ throws(Diagnostic) in
            let separator = p[0]
            return { ctx, v in
                guard !v.isNull, let s = separator.string(ctx), let c = s.utf8.first else { return .null }
                return .string(ByteText.string(body(Array(v.stringValue.utf8)[...], c)))
            }
        }
    }

    static func replacing(_ b: [UInt8], _ needle: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, b.count >= needle.count else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if i + needle.count <= b.count, b[i] == needle[0], b[i..<(i + needle.count)].elementsEqual(needle) {
                out += replacement
                i += needle.count
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// `\n`, `\r`, `\t`, `\\` in a literal `{s.rm}` parameter; any other escaped byte stands for itself.
    static func unescapedParameter(_ text: String) -> [UInt8] {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                switch b[i + 1] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(b[i + 1])
                }
                i += 2
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    private static func prefixes(_ name: String, quoted: Bool) -> TransformationDeclaration {
        TransformationDeclaration(name: name, parameterCounts: 0...1) { p, at throws(Diagnostic) in
            try p.first?.requireInt(name, at: at)
            let limit = p.first
            return { ctx, v in
                guard !v.isNull else { return .null }
                let b = Array(v.stringValue.utf8)
                var most = b.count
                if let limit {
                    guard let n = limit.int(ctx) else { return .null }
                    if n > 0, n < most { most = n }
                }
                var out: [UInt8] = []
                for i in stride(from: 1, through: most, by: 1) {
                    if !out.isEmpty { out.append(UInt8(ascii: ",")) }
                    if quoted { out.append(UInt8(ascii: "'")) }
                    out += b[0..<i]
                    if quoted { out.append(UInt8(ascii: "'")) }
                }
                return .string(ByteText.string(out))
            }
        }
    }

    /// `{s.fmtlines,n,m}`: lines of n bytes, each after the first starting with m blanks.
    /// (5.6.3 tests the position wrongly and breaks after every byte of the first line; this
    /// does what its documentation says.)
    private static func lines(_ name: String, indent: UInt8) -> TransformationDeclaration {
        TransformationDeclaration(name: name, parameterCounts: 2...2) { p, at throws(Diagnostic) in
            try p[0].requireInt(name, at: at)
            try p[1].requireInt(name, at: at)
            let width = p[0], margin = p[1]
            return { ctx, v in
                guard !v.isNull, let n = width.int(ctx), let m = margin.int(ctx), n > 0, m >= 0 else { return .null }
                let b = Array(v.stringValue.utf8)
                var out: [UInt8] = []
                out.reserveCapacity(b.count + (b.count / n) * (2 + m))
                for (i, byte) in b.enumerated() {
                    if i != 0, i % n == 0 {
                        out += [0x0D, 0x0A]
                        out += repeatElement(indent, count: m)
                    }
                    out.append(byte)
                }
                return .string(ByteText.string(out))
            }
        }
    }

    // MARK: - Encodings

    static let encodings: [TransformationDeclaration] = [
        CoreTransformations.bytes("s.encode.hexa") { b in .string(HexText.encode(b)) },
        CoreTransformations.bytes("s.decode.hexa") { b in HexText.decode(b).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.encode.base64") { b in .string(Base64.encode(b, alphabet: .standard, padded: true)) },
        CoreTransformations.bytes("s.decode.base64") { b in Base64.decode(b, alphabet: .standard).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.encode.base64t") { b in .string(Base64.encode(b, alphabet: .standard, padded: false)) },
        CoreTransformations.bytes("s.decode.base64t") { b in Base64.decode(b, alphabet: .standard).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.encode.base64url") { b in .string(Base64.encode(b, alphabet: .url, padded: true)) },
        CoreTransformations.bytes("s.decode.base64url") { b in Base64.decode(b, alphabet: .url).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.encode.base64urlt") { b in .string(Base64.encode(b, alphabet: .url, padded: false)) },
        CoreTransformations.bytes("s.decode.base64urlt") { b in Base64.decode(b, alphabet: .url).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.encode.base58") { b in .string(Base58.encode(b)) },
        CoreTransformations.bytes("s.decode.base58") { b in Base58.decode(b).map { .string(ByteText.string($0)) } ?? .null },
    ]

    // MARK: - Escapes

    static let escapes: [TransformationDeclaration] = [
        CoreTransformations.bytes("s.escape.common") { b in .string(ByteText.string(EscapeText.escapeCommon(b))) },
        CoreTransformations.bytes("s.unescape.common") { b in .string(ByteText.string(EscapeText.unescapeCommon(b))) },
        CoreTransformations.bytes("s.escape.user") { b in EscapeText.escape(b, keeping: EscapeText.userUnreserved).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.unescape.user") { b in EscapeText.unescapePrintable(b).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.escape.param") { b in EscapeText.escape(b, keeping: EscapeText.paramUnreserved).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.unescape.param") { b in EscapeText.unescapePrintable(b).map { .string(ByteText.string($0)) } ?? .null },
        CoreTransformations.bytes("s.urlencode.param") { b in .string(ByteText.string(EscapeText.urlEncode(b))) },
        CoreTransformations.bytes("s.urldecode.param") { b in .string(ByteText.string(EscapeText.urlDecode(b))) },
        CoreTransformations.bytes("s.escape.csv") { b in .string(ByteText.string(EscapeText.csv(b))) },
    ]

    // MARK: - Digests (lowercase hex)

    static let digests: [TransformationDeclaration] = [
        CoreTransformations.bytes("s.md5") { b in .string(HexText.encode(ScriptDigest.md5(b))) },
        CoreTransformations.bytes("s.sha256") { b in .string(HexText.encode(ScriptDigest.sha256(b))) },
        CoreTransformations.bytes("s.sha384") { b in .string(HexText.encode(ScriptDigest.sha384(b))) },
        CoreTransformations.bytes("s.sha512") { b in .string(HexText.encode(ScriptDigest.sha512(b))) },
    ]
}
