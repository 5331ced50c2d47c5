/// The kinds of token the lexer produces.
enum TokenKind: Equatable, Sendable {
    case identifier
    case integer
    /// A string literal; `text` is the decoded value (escapes applied, adjacent strings joined).
    case string
    /// A pseudo-variable token; `text` is its full spelling (`$var(x)`, `$(hdr(A)[1])`).
    case pseudoVariable
    case ipv4
    /// A bracketed IPv6 address; `text` keeps the brackets.
    case ipv6
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, semicolon, colon, dot
    case assign  // =
    case equal, notEqual, match  // == != =~
    case less, greater, lessEqual, greaterEqual
    case logicalAnd, logicalOr, bang, tilde
    case ampersand, pipe, caret, shiftLeft, shiftRight
    case plus, minus, star, slash, percent
    /// An operator Kamailio does not have (`+=`, `!~`, ...); `text` holds the spelling.
    case invalidOperator
    /// A preprocessor line (`#!define X 1`, `#!KAMAILIO`); `text` is the directive name.
    case directive
    case endOfFile
}

/// One token with the location it was read at.
struct Token: Sendable {
    var kind: TokenKind
    var text: String
    var intValue: Int = 0
    var location: SourceLocation
    /// Just past the last character of the token (for "expected ';'" after it).
    var end: SourceLocation
    /// Whitespace or a comment separated this token from the previous one.
    var spaceBefore: Bool = false
    /// A line break separated this token from the previous one.
    var lineBreakBefore: Bool = false
    /// A string written with single quotes (raw, no escapes).
    var singleQuoted: Bool = false
    /// For directives: the rest of the line after the directive name, and where it starts.
    var argument: String = ""
    var argumentLocation: SourceLocation? = nil
    /// How many define expansions produced this token (guards against recursive defines).
    var expansionDepth: Int = 0

    init(_ kind: TokenKind, _ text: String, at location: SourceLocation) {
        self.kind = kind
        self.text = text
        self.location = location
        self.end = location
    }

    func isIdentifier(_ name: String) -> Bool { kind == .identifier && text == name }

    /// The text as it should appear when tokens are joined back together (listen specs,
    /// route names): strings re-quoted, other tokens as spelled.
    var spelling: String {
        switch kind {
        case .string: return text
        case .endOfFile: return ""
        default: return text
        }
    }

    /// A short description for error messages: `'foo'`, `end of file`, `string "x"`.
    var displayName: String {
        switch kind {
        case .endOfFile: return "end of file"
        case .string: return "string \"\(text)\""
        case .directive: return "'#!\(text)'"
        default: return "'\(text)'"
        }
    }
}
