/// Expressions with Kamailio 5.6's precedence (spec §2.8), lowest first:
/// `||` · `&&` · `|` · `&` · `^` · `<<` · `>>` · `== != =~ eq ne ieq ine` · `> < >= <=` ·
/// `+ -` · `* / mod` · unary `! ~ -` · `defined` · casts. All binary operators are left
/// associative. Note that bit operators bind looser than comparisons, unlike C.
extension Parser {
    private static let levels: [[TokenKind: BinaryOperator]] = [
        [.logicalOr: .logicalOr],
        [.logicalAnd: .logicalAnd],
        [.pipe: .bitOr],
        [.ampersand: .bitAnd],
        [.caret: .bitXor],
        [.shiftLeft: .shiftLeft],
        [.shiftRight: .shiftRight],
        [.equal: .equal, .notEqual: .notEqual, .match: .match],
        [.greater: .greater, .less: .less, .greaterEqual: .greaterEqual, .lessEqual: .lessEqual],
        [.plus: .plus, .minus: .minus],
        [.star: .multiply, .slash: .divide],
    ]
    /// Operators spelled as words, by level.
    private static let wordLevels: [[String: BinaryOperator]] = [
        ["or": .logicalOr],
        ["and": .logicalAnd],
        [:], [:], [:], [:], [:],
        ["eq": .stringEqual, "ne": .stringNotEqual, "ieq": .intEqual, "ine": .intNotEqual],
        [:], [:],
        ["mod": .modulo],
    ]

    func parseExpression() throws(Failure) -> Expression {
        try parseBinary(level: 0)
    }

    private func binaryOperator(at level: Int) -> BinaryOperator? {
        let t = tokens.peek()
        if let op = Parser.levels[level][t.kind] { return op }
        if t.kind == .identifier, let op = Parser.wordLevels[level][t.text] { return op }
        return nil
    }

    private func parseBinary(level: Int) throws(Failure) -> Expression {
        if level == Parser.levels.count { return try parseUnary() }
        var lhs = try parseBinary(level: level + 1)
        while let op = binaryOperator(at: level) {
            let opToken = tokens.advance()
            if tokens.peek().kind == .invalidOperator { throw invalidOperator(tokens.peek()) }
            let rhs = try parseBinary(level: level + 1)
            lhs = .binary(op, lhs, rhs, opToken.location)
        }
        let t = tokens.peek()
        if level == 0 {
            if t.kind == .invalidOperator { throw invalidOperator(t) }
            if t.kind == .percent {
                throw error("'%' is not an operator", at: t.location, hint: "use 'mod' for the remainder")
            }
            if t.kind == .assign {
                throw error("'=' is assignment; compare with '=='", at: t.location)
            }
        }
        return lhs
    }

    private func parseUnary() throws(Failure) -> Expression {
        let t = tokens.peek()
        try enter(at: t.location)
        defer { leave() }
        switch t.kind {
        case .bang:
            tokens.advance()
            return .unary(.not, try parseUnary(), t.location)
        case .tilde:
            tokens.advance()
            return .unary(.bitNot, try parseUnary(), t.location)
        case .minus:
            tokens.advance()
            if check(.integer) {
                let n = tokens.advance()
                return .int(-n.intValue, t.location)
            }
            return .unary(.negate, try parseUnary(), t.location)
        case .identifier where t.text == "not":
            tokens.advance()
            return .unary(.not, try parseUnary(), t.location)
        case .identifier where t.text == "defined" && tokens.peek(1).kind != .leftParen:
            tokens.advance()
            return .unary(.defined, try parseUnary(), t.location)
        case .leftParen:
            // (int)e and (str)e
            let word = tokens.peek(1)
            if word.kind == .identifier, word.text == "int" || word.text == "str", tokens.peek(2).kind == .rightParen {
                tokens.advance()
                tokens.advance()
                tokens.advance()
                return .cast(word.text == "int" ? .int : .str, try parseUnary(), t.location)
            }
            return try parsePrimary()
        default:
            return try parsePrimary()
        }
    }

    private func parsePrimary() throws(Failure) -> Expression {
        let t = tokens.peek()
        switch t.kind {
        case .integer:
            tokens.advance()
            return .int(t.intValue, t.location)
        case .string:
            tokens.advance()
            return .string(t.text, t.location)
        case .pseudoVariable:
            return .pseudoVariable(try parsePseudoVariableOperand())
        case .ipv4:
            tokens.advance()
            return .ipv4(t.text, t.location)
        case .ipv6:
            tokens.advance()
            return .ipv6(t.text, t.location)
        case .leftParen:
            tokens.advance()
            if check(.rightParen) { throw error("empty parentheses", at: tokens.peek().location) }
            let inner = try parseExpression()
            try expect(.rightParen, "')'")
            return inner
        case .identifier:
            if tokens.peek(1).kind == .leftParen {
                return .call(try parseCall())
            }
            tokens.advance()
            if t.text == "myself" { return .myself(t.location) }
            if t.text == "msg", check(.colon), tokens.peek(1).isIdentifier("len"), !tokens.peek().spaceBefore {
                tokens.advance()
                tokens.advance()
                return .keyword(.messageLength, t.location)
            }
            if let k = ConditionKeyword(rawValue: t.text) { return .keyword(k, t.location) }
            if let b = Parser.booleanValue(t.text) { return .int(b, t.location) }
            return .identifier(t.text, t.location)
        case .invalidOperator:
            throw invalidOperator(t)
        case .percent:
            throw error("'%' is not an operator", at: t.location, hint: "use 'mod' for the remainder")
        default:
            throw unexpected(t, expected: "an expression")
        }
    }

    /// `name(arg, ...)`; arguments are expressions, or socket-like words written without blanks
    /// (`udp:1.2.3.4:5060`), which are taken as text.
    func parseCall() throws(Failure) -> CallSyntax {
        let name = tokens.advance()
        try expect(.leftParen, "'('")
        var arguments: [Expression] = []
        if !check(.rightParen) {
            while true {
                arguments.append(try parseArgument())
                if check(.comma) {
                    tokens.advance()
                    continue
                }
                if check(.rightParen) { break }
                throw unexpected(tokens.peek(), expected: "',' or ')'", after: "an argument of '\(name.text)'")
            }
        }
        tokens.advance()
        return CallSyntax(name: name.text, arguments: arguments, location: name.location)
    }

    private func parseArgument() throws(Failure) -> Expression {
        let t = tokens.peek()
        if t.kind == .identifier || t.kind == .ipv4 || t.kind == .ipv6 {
            let next = tokens.peek(1)
            if next.kind == .colon, !next.spaceBefore {
                let run = adjacentRun(stopAtComma: true)
                return .string(run.map(\.spelling).joined(), t.location)
            }
        }
        return try parseExpression()
    }
}
