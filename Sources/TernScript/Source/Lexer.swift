/// Turns the bytes of one file into tokens (spec §2.1). Preprocessor lines come out as single
/// `.directive` tokens; the Preprocessor acts on them. Lexical errors are reported to the sink
/// and the lexer carries on after the bad text.
struct Lexer {
    let file: SourceFile
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var column = 1
    private let sink: DiagnosticSink

    /// Directive names recognised after `#!` (or `!!`). Anything else after `#!` is a comment.
    static let directiveNames: Set<String> = [
        "define", "def", "trydef", "trydefine", "redef", "redefine", "undef", "tryundef",
        "ifdef", "ifndef", "else", "endif", "ifexp",
        "subst", "substdef", "substdefs",
        "include_file", "import_file",
        "defenv", "defenvs", "trydefenv", "trydefenvs",
        "KAMAILIO", "SER", "OPENSER", "MAXCOMPAT", "ALL", "TERN",
    ]
    /// Directives whose argument may continue on the next line after a trailing backslash.
    static let continuedDirectives: Set<String> = [
        "define", "def", "trydef", "trydefine", "redef", "redefine",
    ]

    init(file: SourceFile, sink: DiagnosticSink) {
        self.file = file
        self.bytes = file.bytes
        self.sink = sink
    }

    // MARK: - Cursor

    private var atEnd: Bool { pos >= bytes.count }

    private func peek(_ offset: Int = 0) -> UInt8 {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : 0
    }

    private mutating func advance() {
        guard pos < bytes.count else { return }
        let b = bytes[pos]
        pos += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func advance(_ n: Int) {
        for _ in 0..<n { advance() }
    }

    private var location: SourceLocation {
        SourceLocation(file: file.path, line: line, column: column)
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    // MARK: - Tokens

    mutating func next() -> Token {
        var sawSpace = false
        var sawNewline = false
        skipTrivia(sawSpace: &sawSpace, sawNewline: &sawNewline)
        var scanned = scanToken()
        while scanned == nil {
            // A character that starts no token was reported; go on after it.
            sawSpace = true
            skipTrivia(sawSpace: &sawSpace, sawNewline: &sawNewline)
            scanned = scanToken()
        }
        guard var token = scanned else { return Token(.endOfFile, "", at: location) }
        token.spaceBefore = sawSpace
        token.lineBreakBefore = sawNewline
        if token.kind != .directive { token.end = location }
        return token
    }

    private mutating func skipTrivia(sawSpace: inout Bool, sawNewline: inout Bool) {
        while !atEnd {
            let c = peek()
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                sawSpace = true
                advance()
            case UInt8(ascii: "\n"):
                sawSpace = true
                sawNewline = true
                advance()
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\n"):
                // An escaped line break outside strings is eaten.
                sawSpace = true
                advance(2)
            case UInt8(ascii: "#"):
                if peek(1) == UInt8(ascii: "!"), directiveWordAt(pos + 2) != nil { return }
                sawSpace = true
                skipToEndOfLine()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                sawSpace = true
                skipToEndOfLine()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                sawSpace = true
                let startLine = line
                skipBlockComment()
                if line != startLine { sawNewline = true }
            default:
                return
            }
        }
    }

    private mutating func skipToEndOfLine() {
        while !atEnd, peek() != UInt8(ascii: "\n") { advance() }
    }

    /// Block comments nest: `/* a /* b */ c */` is one comment.
    private mutating func skipBlockComment() {
        let start = location
        var depth = 0
        while !atEnd {
            if peek() == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                advance(2)
            } else if peek() == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                advance(2)
                if depth == 0 { return }
            } else {
                advance()
            }
        }
        sink.error("unterminated comment", at: start, hint: "a '/*' comment needs a matching '*/' (comments nest)")
    }

    /// The directive name starting at byte `i`, if it is one we know.
    private func directiveWordAt(_ i: Int) -> String? {
        var j = i
        while j < bytes.count, isIdentifierByte(bytes[j]) { j += 1 }
        guard j > i else { return nil }
        let word = text(i..<j)
        return Lexer.directiveNames.contains(word) ? word : nil
    }

    /// The next token, or nil after reporting a character that starts none.
    private mutating func scanToken() -> Token? {
        let start = location
        guard !atEnd else { return Token(.endOfFile, "", at: start) }
        let c = peek()

        if (c == UInt8(ascii: "#") && peek(1) == UInt8(ascii: "!"))
            || (c == UInt8(ascii: "!") && peek(1) == UInt8(ascii: "!")),
            let word = directiveWordAt(pos + 2)
        {
            return scanDirective(word, start: start)
        }
        if isIdentifierStart(c) { return scanIdentifier(start) }
        if isDigit(c) { return scanNumber(start) }
        switch c {
        case UInt8(ascii: "\""): return scanDoubleQuoted(start)
        case UInt8(ascii: "'"): return scanSingleQuoted(start)
        case UInt8(ascii: "$"): return scanPseudoVariable(start)
        case UInt8(ascii: "["):
            if let t = scanBracketedIPv6(start) { return t }
            advance()
            return Token(.leftBracket, "[", at: start)
        default:
            return scanOperator(start)
        }
    }

    private mutating func scanDirective(_ word: String, start: SourceLocation) -> Token {
        advance(2 + word.utf8.count)
        // Skip blanks between the name and its argument.
        while !atEnd, peek() == UInt8(ascii: " ") || peek() == UInt8(ascii: "\t") { advance() }
        let argStart = location
        var argument: [UInt8] = []
        let continues = Lexer.continuedDirectives.contains(word)
        while !atEnd {
            let b = peek()
            if b == UInt8(ascii: "\n") { break }
            if continues, b == UInt8(ascii: "\\") {
                // A backslash before the line end continues the value on the next line.
                var k = pos + 1
                if k < bytes.count, bytes[k] == UInt8(ascii: "\r") { k += 1 }
                if k < bytes.count, bytes[k] == UInt8(ascii: "\n") {
                    while pos <= k { advance() }
                    argument.append(UInt8(ascii: "\n"))
                    continue
                }
            }
            argument.append(b)
            advance()
        }
        while let last = argument.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == UInt8(ascii: "\r") {
            argument.removeLast()
        }
        var t = Token(.directive, word, at: start)
        t.argument = String(decoding: argument, as: UTF8.self)
        t.argumentLocation = argStart
        return t
    }

    /// In a skipped `#!ifdef` branch nothing is lexed: only the conditional directives are
    /// looked for. Returns the directive that ends the skip (`else` or `endif` at the same
    /// depth), or nil at end of file. Nested `#!ifdef`/`#!ifndef` are counted.
    mutating func skipConditional() -> Token? {
        var depth = 0
        while !atEnd {
            let c = peek()
            if (c == UInt8(ascii: "#") && peek(1) == UInt8(ascii: "!"))
                || (c == UInt8(ascii: "!") && peek(1) == UInt8(ascii: "!")),
                let word = directiveWordAt(pos + 2)
            {
                let start = location
                switch word {
                case "ifdef", "ifndef", "ifexp":
                    depth += 1
                    advance(2 + word.utf8.count)
                case "endif":
                    if depth == 0 { return scanDirective(word, start: start) }
                    depth -= 1
                    advance(2 + word.utf8.count)
                case "else":
                    if depth == 0 { return scanDirective(word, start: start) }
                    advance(2 + word.utf8.count)
                default:
                    advance(2 + word.utf8.count)
                }
                continue
            }
            advance()
        }
        return nil
    }

    private mutating func scanIdentifier(_ start: SourceLocation) -> Token {
        let begin = pos
        while !atEnd, isIdentifierByte(peek()) { advance() }
        return Token(.identifier, text(begin..<pos), at: start)
    }

    private mutating func scanNumber(_ start: SourceLocation) -> Token {
        let begin = pos
        // Dotted IPv4 address.
        if let end = ipv4End(at: pos) {
            while pos < end { advance() }
            return Token(.ipv4, text(begin..<pos), at: start)
        }
        var end = pos
        while end < bytes.count, isIdentifierByte(bytes[end]) { end += 1 }
        let word = text(begin..<end)
        while pos < end { advance() }
        if let value = Lexer.integerValue(of: word) {
            var t = Token(.integer, word, at: start)
            t.intValue = value
            return t
        }
        // Digits followed by letters: a name such as a host label or a route name.
        return Token(.identifier, word, at: start)
    }

    /// Kamailio's number forms: decimal, 0x hex, 0-prefixed octal, and binary with a 'b' suffix.
    static func integerValue(of word: String) -> Int? {
        let u = Array(word.utf8)
        guard let first = u.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
        if u.count > 2, u[0] == UInt8(ascii: "0"), u[1] == UInt8(ascii: "x") || u[1] == UInt8(ascii: "X") {
            return parse(u[2...], radix: 16)
        }
        if u.count > 1, u.last == UInt8(ascii: "b"), u.dropLast().allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }) {
            return parse(u.dropLast()[...], radix: 2)
        }
        if u.count > 1, u[0] == UInt8(ascii: "0") {
            return parse(u[1...], radix: 8)
        }
        return parse(u[...], radix: 10)
    }

    private static func parse(_ digits: ArraySlice<UInt8>, radix: Int) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for d in digits {
            let v: Int
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = Int(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = Int(d - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = Int(d - UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard v < radix else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(v)
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    private func ipv4End(at start: Int) -> Int? {
        var i = start
        for part in 0..<4 {
            let digitsStart = i
            while i < bytes.count, isDigit(bytes[i]), i - digitsStart < 3 { i += 1 }
            if i == digitsStart { return nil }
            if part < 3 {
                guard i < bytes.count, bytes[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
        }
        if i < bytes.count, isIdentifierByte(bytes[i]) || bytes[i] == UInt8(ascii: ".") { return nil }
        return i
    }

    private mutating func scanBracketedIPv6(_ start: SourceLocation) -> Token? {
        var i = pos + 1
        var colons = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ":") { colons += 1 } else if !(isHexDigit(b) || b == UInt8(ascii: ".")) { break }
            i += 1
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "]"), colons >= 2 else { return nil }
        let begin = pos
        while pos <= i { advance() }
        return Token(.ipv6, text(begin..<pos), at: start)
    }

    private mutating func scanDoubleQuoted(_ start: SourceLocation) -> Token {
        var value: [UInt8] = []
        while true {
            let segmentStart = location
            advance()  // opening quote
            var closed = false
            while !atEnd {
                let b = peek()
                if b == UInt8(ascii: "\"") {
                    advance()
                    closed = true
                    break
                }
                if b == UInt8(ascii: "\\") {
                    scanEscape(into: &value)
                    continue
                }
                value.append(b)
                advance()
            }
            if !closed {
                sink.error("unterminated string", at: segmentStart, hint: "close it with '\"'")
                break
            }
            // Adjacent double-quoted strings (only blanks and line breaks between) are one string.
            var k = pos
            while k < bytes.count, isBlankOrNewline(bytes[k]) { k += 1 }
            if k < bytes.count, bytes[k] == UInt8(ascii: "\"") {
                while pos < k { advance() }
                continue
            }
            break
        }
        return Token(.string, String(decoding: value, as: UTF8.self), at: start)
    }

    private mutating func scanEscape(into value: inout [UInt8]) {
        let next = peek(1)
        switch next {
        case UInt8(ascii: "n"): value.append(0x0A); advance(2)
        case UInt8(ascii: "r"): value.append(0x0D); advance(2)
        case UInt8(ascii: "t"): value.append(0x09); advance(2)
        case UInt8(ascii: "a"): value.append(0x07); advance(2)
        case UInt8(ascii: "\""): value.append(UInt8(ascii: "\"")); advance(2)
        case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\")); advance(2)
        case UInt8(ascii: "\n"): advance(2)  // line continuation inside the string
        case UInt8(ascii: "\r") where peek(2) == UInt8(ascii: "\n"): advance(3)
        case UInt8(ascii: "x") where isHexDigit(peek(2)):
            var v = 0
            var n = 0
            while n < 2, isHexDigit(peek(2 + n)) {
                v = v * 16 + hexValue(peek(2 + n))
                n += 1
            }
            value.append(UInt8(truncatingIfNeeded: v))
            advance(2 + n)
        case UInt8(ascii: "0")...UInt8(ascii: "7") where isOctalDigit(peek(2)):
            // Two or three octal digits; a single digit stays as written (regex back-references).
            var v = 0
            var n = 0
            while n < 3, isOctalDigit(peek(1 + n)) {
                v = v * 8 + Int(peek(1 + n) - UInt8(ascii: "0"))
                n += 1
            }
            value.append(UInt8(truncatingIfNeeded: v))
            advance(1 + n)
        default:
            // Any other escape keeps both characters.
            value.append(UInt8(ascii: "\\"))
            advance()
        }
    }

    private mutating func scanSingleQuoted(_ start: SourceLocation) -> Token {
        advance()
        let begin = pos
        while !atEnd, peek() != UInt8(ascii: "'") { advance() }
        let value = text(begin..<pos)
        if atEnd {
            sink.error("unterminated string", at: start, hint: "close it with \"'\"")
        } else {
            advance()
        }
        var t = Token(.string, value, at: start)
        t.singleQuoted = true
        return t
    }

    private mutating func scanPseudoVariable(_ start: SourceLocation) -> Token {
        guard let end = PseudoVariableSyntax.tokenEnd(in: bytes, at: pos, inFormat: false) else {
            advance()
            var end = pos
            while end < bytes.count, isIdentifierByte(bytes[end]) || bytes[end] == UInt8(ascii: "(") { end += 1 }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "(") || bytes[pos] == UInt8(ascii: "{") {
                sink.error("unterminated pseudo-variable: missing ')'", at: start)
                while !atEnd, peek() != UInt8(ascii: "\n") { advance() }
            } else {
                sink.error("'$' must be followed by a pseudo-variable name", at: start)
            }
            return Token(.pseudoVariable, "$", at: start)
        }
        let begin = pos
        while pos < end { advance() }
        return Token(.pseudoVariable, text(begin..<end), at: start)
    }

    private mutating func scanOperator(_ start: SourceLocation) -> Token? {
        let c = peek()
        let n = peek(1)
        func op(_ kind: TokenKind, _ len: Int) -> Token {
            let begin = pos
            advance(len)
            return Token(kind, text(begin..<pos), at: start)
        }
        switch c {
        case UInt8(ascii: "("): return op(.leftParen, 1)
        case UInt8(ascii: ")"): return op(.rightParen, 1)
        case UInt8(ascii: "{"): return op(.leftBrace, 1)
        case UInt8(ascii: "}"): return op(.rightBrace, 1)
        case UInt8(ascii: "]"): return op(.rightBracket, 1)
        case UInt8(ascii: ","): return op(.comma, 1)
        case UInt8(ascii: ";"): return op(.semicolon, 1)
        case UInt8(ascii: ":"): return op(.colon, 1)
        case UInt8(ascii: "."): return op(.dot, 1)
        case UInt8(ascii: "="):
            if n == UInt8(ascii: "=") { return op(.equal, 2) }
            if n == UInt8(ascii: "~") { return op(.match, 2) }
            return op(.assign, 1)
        case UInt8(ascii: "!"):
            if n == UInt8(ascii: "=") { return op(.notEqual, 2) }
            if n == UInt8(ascii: "~") { return op(.invalidOperator, 2) }
            return op(.bang, 1)
        case UInt8(ascii: "<"):
            if n == UInt8(ascii: "=") { return op(.lessEqual, 2) }
            if n == UInt8(ascii: "<") { return op(.shiftLeft, 2) }
            return op(.less, 1)
        case UInt8(ascii: ">"):
            if n == UInt8(ascii: "=") { return op(.greaterEqual, 2) }
            if n == UInt8(ascii: ">") { return op(.shiftRight, 2) }
            return op(.greater, 1)
        case UInt8(ascii: "&"):
            if n == UInt8(ascii: "&") { return op(.logicalAnd, 2) }
            return op(.ampersand, 1)
        case UInt8(ascii: "|"):
            if n == UInt8(ascii: "|") { return op(.logicalOr, 2) }
            return op(.pipe, 1)
        case UInt8(ascii: "^"): return op(.caret, 1)
        case UInt8(ascii: "~"): return op(.tilde, 1)
        case UInt8(ascii: "+"):
            if n == UInt8(ascii: "=") { return op(.invalidOperator, 2) }
            return op(.plus, 1)
        case UInt8(ascii: "-"):
            if n == UInt8(ascii: "=") { return op(.invalidOperator, 2) }
            return op(.minus, 1)
        case UInt8(ascii: "*"): return op(.star, 1)
        case UInt8(ascii: "/"): return op(.slash, 1)
        case UInt8(ascii: "%"): return op(.percent, 1)
        default:
            // Take the whole UTF-8 sequence so the message shows the real character.
            let begin = pos
            advance()
            while !atEnd, peek() & 0xC0 == 0x80 { pos += 1 }
            let ch = text(begin..<pos)
            sink.error("unexpected character '\(ch)'", at: start)
            return nil
        }
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
@inline(__always) func isOctalDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "7") }
@inline(__always) func isHexDigit(_ b: UInt8) -> Bool {
    isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
}
@inline(__always) func hexValue(_ b: UInt8) -> Int {
    if isDigit(b) { return Int(b - UInt8(ascii: "0")) }
    if b >= UInt8(ascii: "a") { return Int(b - UInt8(ascii: "a")) + 10 }
    return Int(b - UInt8(ascii: "A")) + 10
}
@inline(__always) func isLetter(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
}
@inline(__always) func isIdentifierStart(_ b: UInt8) -> Bool { isLetter(b) || b == UInt8(ascii: "_") }
@inline(__always) func isIdentifierByte(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
@inline(__always) func isBlankOrNewline(_ b: UInt8) -> Bool {
    b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
}
