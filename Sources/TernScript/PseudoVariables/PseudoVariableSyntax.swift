/// The written form of one pseudo-variable, split into its parts but not yet resolved:
/// `$name`, `$name(inner)`, `$(name(inner)[index]{tr1}{tr2})`, `$?`, `$$` (in formats).
/// `${name(inner)}` is accepted as an alias of `$(name(inner))`.
struct PseudoVariableSyntax: Sendable, Equatable {
    var name: String
    var inner: String?
    var index: String?
    var transformations: [String]
    /// The full spelling, as written.
    var text: String

    struct ParseError: Error {
        var message: String
        /// Byte offset (from the `$`) the problem was found at.
        var offset: Int
    }

    /// Where the pseudo-variable starting at `start` (a `$`) ends, using the lexer's rule:
    /// the name, then balanced parentheses. Nil when there is no valid pseudo-variable there.
    static func tokenEnd(in bytes: [UInt8], at start: Int, inFormat: Bool) -> Int? {
        var i = start + 1
        guard i < bytes.count else { return nil }
        let c = bytes[i]
        if c == UInt8(ascii: "?") { return i + 1 }
        if inFormat, c == UInt8(ascii: "$") { return i + 1 }
        if c == UInt8(ascii: "(") { return balancedEnd(bytes, from: i, open: UInt8(ascii: "("), close: UInt8(ascii: ")")) }
        if c == UInt8(ascii: "{") { return balancedEnd(bytes, from: i, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) }
        guard isIdentifierStart(c) else { return nil }
        while i < bytes.count, isNameByte(bytes[i], inFormat: inFormat) { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "(") {
            return balancedEnd(bytes, from: i, open: UInt8(ascii: "("), close: UInt8(ascii: ")"))
        }
        return i
    }

    /// Index just past the bracket that closes the one at `from`, or nil when unbalanced.
    static func balancedEnd(_ bytes: [UInt8], from: Int, open: UInt8, close: UInt8) -> Int? {
        var depth = 0
        var i = from
        while i < bytes.count {
            let b = bytes[i]
            if b == open {
                depth += 1
            } else if b == close {
                depth -= 1
                if depth == 0 { return i + 1 }
            } else if b == UInt8(ascii: "\n"), open != UInt8(ascii: "{") {
                return nil
            }
            i += 1
        }
        return nil
    }

    @inline(__always) static func isNameByte(_ b: UInt8, inFormat: Bool) -> Bool {
        isIdentifierByte(b) || (inFormat && b == UInt8(ascii: "."))
    }

    /// Parses the pseudo-variable at `start` (which must be a `$`). Returns it and the index
    /// just past it.
    static func parse(_ bytes: [UInt8], at start: Int, inFormat: Bool) throws(ParseError) -> (PseudoVariableSyntax, Int) {
        var i = start + 1
        func fail(_ message: String) -> ParseError { ParseError(message: message, offset: i - start) }
        func slice(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<b], as: UTF8.self) }
        guard i < bytes.count else { throw fail("'$' at the end of the text") }
        let c = bytes[i]
        if c == UInt8(ascii: "?") {
            return (PseudoVariableSyntax(name: "?", inner: nil, index: nil, transformations: [], text: "$?"), i + 1)
        }
        if inFormat, c == UInt8(ascii: "$") {
            return (PseudoVariableSyntax(name: "$", inner: nil, index: nil, transformations: [], text: "$$"), i + 1)
        }
        if c == UInt8(ascii: "(") || c == UInt8(ascii: "{") {
            // Full form: $(name(inner)[index]{tr}...) — or the ${...} alias.
            let closer = c == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}")
            i += 1
            let nameStart = i
            while i < bytes.count, isNameByte(bytes[i], inFormat: true) || bytes[i] == UInt8(ascii: "?") { i += 1 }
            guard i > nameStart else { throw fail("missing pseudo-variable name after '$\(Character(UnicodeScalar(c)))'") }
            let name = slice(nameStart, i)
            var inner: String?
            var index: String?
            var transformations: [String] = []
            if i < bytes.count, bytes[i] == UInt8(ascii: "(") {
                guard let end = balancedEnd(bytes, from: i, open: UInt8(ascii: "("), close: UInt8(ascii: ")")) else {
                    throw fail("missing ')' after the inner name of '$\(name)'")
                }
                inner = slice(i + 1, end - 1)
                i = end
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                guard let end = balancedEnd(bytes, from: i, open: UInt8(ascii: "["), close: UInt8(ascii: "]")) else {
                    throw fail("missing ']' after the index of '$\(name)'")
                }
                index = slice(i + 1, end - 1)
                i = end
            }
            while true {
                while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
                guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { break }
                guard let end = balancedEnd(bytes, from: i, open: UInt8(ascii: "{"), close: UInt8(ascii: "}")) else {
                    throw fail("missing '}' after a transformation of '$\(name)'")
                }
                transformations.append(slice(i + 1, end - 1))
                i = end
            }
            guard i < bytes.count, bytes[i] == closer else {
                if i < bytes.count {
                    throw fail("unexpected '\(Character(UnicodeScalar(bytes[i])))' in '$\(name)'; expected '\(Character(UnicodeScalar(closer)))'")
                }
                throw fail("missing '\(Character(UnicodeScalar(closer)))' at the end of '$(\(name)...'")
            }
            i += 1
            return (PseudoVariableSyntax(name: name, inner: inner, index: index, transformations: transformations, text: slice(start, i)), i)
        }
        guard isIdentifierStart(c) else { throw fail("'$' must be followed by a pseudo-variable name") }
        let nameStart = i
        while i < bytes.count, isNameByte(bytes[i], inFormat: inFormat) { i += 1 }
        // A trailing dot belongs to the surrounding text ("$fU." is $fU then ".").
        while inFormat, i > nameStart + 1, bytes[i - 1] == UInt8(ascii: ".") { i -= 1 }
        let name = slice(nameStart, i)
        var inner: String?
        if i < bytes.count, bytes[i] == UInt8(ascii: "(") {
            guard let end = balancedEnd(bytes, from: i, open: UInt8(ascii: "("), close: UInt8(ascii: ")")) else {
                throw fail("missing ')' after the inner name of '$\(name)'")
            }
            inner = slice(i + 1, end - 1)
            i = end
        }
        return (PseudoVariableSyntax(name: name, inner: inner, index: nil, transformations: [], text: slice(start, i)), i)
    }

    /// Parses a whole token text such as `$var(x)`; the text must hold exactly one pseudo-variable.
    static func parse(token text: String) throws(ParseError) -> PseudoVariableSyntax {
        let bytes = Array(text.utf8)
        let (pv, end) = try parse(bytes, at: 0, inFormat: false)
        guard end == bytes.count else {
            throw ParseError(message: "unexpected text '\(String(decoding: bytes[end...], as: UTF8.self))' after '\(pv.text)'", offset: end)
        }
        return pv
    }
}
