// A sed-like substitution `/regex/replacement/flags` (Kamailio's subst expressions), parsed
// and compiled once. The first character is the separator; in the replacement `\0`–`\9` are
// groups, `\u` the current R-URI, `\n` `\r` `\t` `\\` escapes; flags `i` (ignore case),
// `g` (every match), `s` (`.` crosses line ends).
import SIPCore
import TernScript

struct SubstExpression: Sendable {
    enum Piece: Sendable {
        case text([UInt8])
        case group(Int)
        case requestURI
    }

    struct SyntaxError: Error {
        var message: String
    }

    /// One match and what replaces it.
    struct Replacement {
        var range: Range<Int>
        var bytes: [UInt8]
    }

    let regex: POSIXRegex
    let pieces: [Piece]
    let global: Bool
    /// Highest group the replacement refers to.
    let highestGroup: Int
    let source: String

    init(_ text: String) throws(SyntaxError) {
        source = text
        let b = Array(text.utf8)
        guard b.count >= 3 else { throw SyntaxError(message: "expression is too short") }
        let separator = b[0]
        guard separator != UInt8(ascii: "\\") else { throw SyntaxError(message: "'\\' cannot be the separator") }
        // The regex ends at the first separator not preceded by a backslash.
        var i = 1
        while i < b.count && !(b[i] == separator && b[i - 1] != UInt8(ascii: "\\")) { i += 1 }
        guard i < b.count else { throw SyntaxError(message: "no separator after the regular expression") }
        let pattern = String(decoding: b[1 ..< i], as: UTF8.self)
        guard i + 2 <= b.count else { throw SyntaxError(message: "expression is too short") }

        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var highest = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.text(literal)); literal = [] }
        }
        i += 1
        var closed = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                guard i + 1 < b.count else { break }
                let e = b[i + 1]
                switch e {
                case UInt8(ascii: "n"): literal.append(10)
                case UInt8(ascii: "r"): literal.append(13)
                case UInt8(ascii: "t"): literal.append(9)
                case UInt8(ascii: "u"):
                    flush()
                    pieces.append(.requestURI)
                case UInt8(ascii: "0") ... UInt8(ascii: "9"):
                    flush()
                    let n = Int(e - UInt8(ascii: "0"))
                    pieces.append(.group(n))
                    highest = max(highest, n)
                default:
                    // `\\`, `\$`, an escaped separator, and any other escaped byte stand for themselves.
                    literal.append(e)
                }
                i += 2
                continue
            }
            if c == UInt8(ascii: "$") {
                throw SyntaxError(message: "pseudo-variables in the replacement are not supported; write \\$ for a literal '$'")
            }
            if c == separator {
                closed = true
                break
            }
            literal.append(c)
            i += 1
        }
        guard closed else { throw SyntaxError(message: "no separator after the replacement") }
        flush()

        var caseInsensitive = false
        var newlineSensitive = true
        var global = false
        for f in b[(i + 1)...] {
            switch f {
            case UInt8(ascii: "i"): caseInsensitive = true
            case UInt8(ascii: "s"): newlineSensitive = false
            case UInt8(ascii: "g"): global = true
            default: throw SyntaxError(message: "unknown flag '\(Character(Unicode.Scalar(f)))'")
            }
        }
        do {
            regex = try POSIXRegex(pattern, caseInsensitive: caseInsensitive, newlineSensitive: newlineSensitive)
        } catch {
            throw SyntaxError(message: "bad regular expression '\(pattern)': \(error.message)")
        }
        self.pieces = pieces
        self.global = global
        highestGroup = highest
    }

    /// The matches inside `range` and their replacements: empty when nothing matched, nil
    /// when the regex matched an empty string (an error: Kamailio then changes nothing).
    func run(_ bytes: [UInt8], _ range: Range<Int>, requestURI: () -> [UInt8]) -> [Replacement]? {
        var out: [Replacement] = []
        var start = range.lowerBound
        var notBOL = false
        repeat {
            guard let groups = bytes.withUnsafeBufferPointer({
                regex.firstMatch(in: $0, start ..< range.upperBound, notBeginningOfLine: notBOL, groups: highestGroup)
            }), let whole = groups[0] else { break }
            if whole.isEmpty { return nil }
            var replacement: [UInt8] = []
            for piece in pieces {
                switch piece {
                case .text(let t): replacement += t
                case .group(let n):
                    if n < groups.count, let g = groups[n] { replacement += bytes[g] }
                case .requestURI: replacement += requestURI()
                }
            }
            out.append(Replacement(range: whole, bytes: replacement))
            start = whole.upperBound
            let previous = bytes[start - 1]
            notBOL = !(previous == 10 || previous == 13)
        } while global
        return out
    }

    /// `text` with every replacement made; nil when nothing matched (or on an empty match).
    func apply(to text: [UInt8], requestURI: () -> [UInt8]) -> [UInt8]? {
        guard let replacements = run(text, 0 ..< text.count, requestURI: requestURI), !replacements.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var cursor = 0
        for r in replacements {
            out += text[cursor ..< r.range.lowerBound]
            out += r.bytes
            cursor = r.range.upperBound
        }
        out += text[cursor...]
        return out
    }
}
