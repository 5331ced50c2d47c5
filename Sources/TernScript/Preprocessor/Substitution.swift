/// One `#!subst "/regex/replacement/flags"` rule (also made by `#!substdef`/`#!substdefs`).
/// Applied to string tokens, pseudo-variable tokens and include file names that follow it.
struct Substitution {
    let regex: POSIXRegex
    /// The replacement, split into literal text and group references (`\1`).
    let replacement: [Piece]
    let global: Bool

    enum Piece {
        case text([UInt8])
        case group(Int)
    }

    struct ParseError: Error {
        var message: String
    }

    /// The parts of a subst expression: the first character is the delimiter; a delimiter
    /// preceded by a backslash is part of the text.
    static func split(_ expression: String) throws(ParseError) -> (pattern: String, replacement: String, flags: String) {
        let bytes = Array(expression.utf8)
        guard let delimiter = bytes.first else { throw ParseError(message: "empty substitution expression") }
        var parts: [[UInt8]] = [[]]
        var i = 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == delimiter {
                parts[parts.count - 1].append(delimiter)
                i += 2
                continue
            }
            if b == delimiter {
                parts.append([])
            } else {
                parts[parts.count - 1].append(b)
            }
            i += 1
        }
        guard parts.count == 3 else {
            let d = Character(UnicodeScalar(delimiter))
            throw ParseError(message: "a substitution is written \(d)regex\(d)replacement\(d)flags")
        }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), String(decoding: parts[2], as: UTF8.self))
    }

    init(expression: String) throws(ParseError) {
        let (pattern, replacement, flags) = try Substitution.split(expression)
        var caseInsensitive = false
        var global = false
        for f in flags {
            switch f {
            case "g": global = true
            case "i": caseInsensitive = true
            case " ", "\t": continue
            default: throw ParseError(message: "unknown substitution flag '\(f)' (use g and i)")
            }
        }
        do {
            regex = try POSIXRegex(pattern, caseInsensitive: caseInsensitive)
        } catch {
            throw ParseError(message: "bad regular expression '\(pattern)': \(error.message)")
        }
        self.global = global
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        let r = Array(replacement.utf8)
        var i = 0
        while i < r.count {
            if r[i] == UInt8(ascii: "\\"), i + 1 < r.count {
                let n = r[i + 1]
                if isDigit(n) {
                    if !literal.isEmpty { pieces.append(.text(literal)); literal = [] }
                    let g = Int(n - UInt8(ascii: "0"))
                    guard g <= regex.groupCount else {
                        throw ParseError(message: "replacement refers to group \\\(g), but the regex has \(regex.groupCount)")
                    }
                    pieces.append(.group(g))
                    i += 2
                    continue
                }
                literal.append(n)
                i += 2
                continue
            }
            literal.append(r[i])
            i += 1
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.replacement = pieces
    }

    /// The text with the rule applied; nil when it did not match.
    func apply(to text: String) -> String? {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var offset = 0
        var matched = false
        while offset <= bytes.count {
            guard let groups = regex.firstMatch(in: bytes, from: offset, notBeginningOfLine: offset > 0),
                let whole = groups[0]
            else { break }
            matched = true
            out.append(contentsOf: bytes[offset..<whole.lowerBound])
            for piece in replacement {
                switch piece {
                case .text(let t): out.append(contentsOf: t)
                case .group(let g):
                    if g < groups.count, let r = groups[g] { out.append(contentsOf: bytes[r]) }
                }
            }
            if whole.isEmpty {
                // An empty match: copy one byte so the scan moves on.
                if whole.upperBound < bytes.count { out.append(bytes[whole.upperBound]) }
                offset = whole.upperBound + 1
            } else {
                offset = whole.upperBound
            }
            if !global { break }
        }
        guard matched else { return nil }
        if offset < bytes.count { out.append(contentsOf: bytes[offset...]) }
        return String(decoding: out, as: UTF8.self)
    }
}
