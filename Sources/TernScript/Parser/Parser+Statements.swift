extension Parser {
    /// Statements up to (not including) `end` or the end of the file. Errors inside are
    /// reported and skipped, so the list holds everything that could be parsed.
    func parseStatements(until end: TokenKind, alsoStopAtCase: Bool = false) -> [Statement] {
        var statements: [Statement] = []
        while true {
            let t = tokens.peek()
            if t.kind == end || t.kind == .endOfFile { break }
            if alsoStopAtCase, t.isIdentifier("case") || t.isIdentifier("default") { break }
            if t.kind == .identifier, Parser.routeKeywords.contains(t.text) || t.text == "loadmodule" || t.text == "modparam",
                t.lineBreakBefore, looksLikeTopLevel(t)
            {
                // A '}' is missing: the next top-level item starts here. Let the caller report it.
                break
            }
            let before = tokens.consumed
            do {
                if let s = try parseStatement() { statements.append(s) }
            } catch {
                statements.append(.invalid(location: t.location))
                synchronizeStatement()
                if tokens.consumed == before { tokens.advance() }
            }
        }
        return statements
    }

    private func looksLikeTopLevel(_ t: Token) -> Bool {
        if t.text == "route" { return tokens.peek(1).kind == .leftBracket || tokens.peek(1).kind == .leftBrace }
        if t.text == "loadmodule" { return tokens.peek(1).kind == .string }
        if t.text == "modparam" { return tokens.peek(1).kind == .leftParen && tokens.peek(2).kind == .string }
        return tokens.peek(1).kind == .leftBrace || tokens.peek(1).kind == .leftBracket
    }

    /// Skips the rest of a broken statement: through the next ';', or up to the '}' that closes
    /// the enclosing block, or through a whole '{...}' block that the statement opened.
    func synchronizeStatement() {
        var parens = 0
        while !tokens.atEnd {
            let t = tokens.peek()
            switch t.kind {
            case .semicolon where parens == 0:
                tokens.advance()
                return
            case .leftParen:
                parens += 1
            case .rightParen:
                if parens > 0 { parens -= 1 }
            case .leftBrace:
                skipBalancedBlock()
                if tokens.peek().isIdentifier("else") { continue }
                return
            case .rightBrace:
                return
            default:
                if t.lineBreakBefore, parens == 0, t.kind == .identifier,
                    ["if", "while", "switch", "return", "exit", "drop"].contains(t.text)
                {
                    return
                }
            }
            tokens.advance()
        }
    }

    private func skipBalancedBlock() {
        var depth = 0
        while !tokens.atEnd {
            let t = tokens.advance()
            if t.kind == .leftBrace { depth += 1 }
            if t.kind == .rightBrace {
                depth -= 1
                if depth == 0 { return }
            }
        }
    }

    func parseStatement() throws(Failure) -> Statement? {
        let t = tokens.peek()
        try enter(at: t.location)
        defer { leave() }
        switch t.kind {
        case .semicolon:
            tokens.advance()
            return nil
        case .leftBrace:
            let body = try parseBlock()
            return .block(body, location: t.location)
        case .pseudoVariable:
            return try parseAssignment()
        case .identifier:
            switch t.text {
            case "if": return try parseIf()
            case "while": return try parseWhile()
            case "switch": return try parseSwitch()
            case "return", "exit", "drop":
                tokens.advance()
                var value: Expression?
                if !check(.semicolon), !check(.rightBrace) {
                    if check(.leftParen), tokens.peek(1).kind == .rightParen {
                        tokens.advance()
                        tokens.advance()
                    } else {
                        value = try parseExpression()
                    }
                }
                try expect(.semicolon, "';'", after: "'\(t.text)'")
                switch t.text {
                case "return": return .returnStatement(value, location: t.location)
                case "exit": return .exitStatement(value, location: t.location)
                default: return .dropStatement(value, location: t.location)
                }
            case "break":
                tokens.advance()
                try expect(.semicolon, "';'", after: "'break'")
                return .breakStatement(location: t.location)
            case "else":
                throw error("'else' without 'if'", at: t.location)
            case "case", "default":
                throw error("'\(t.text)' outside 'switch'", at: t.location)
            default:
                break
            }
            let next = tokens.peek(1)
            if next.kind == .leftParen {
                let call = try parseCall()
                try expect(.semicolon, "';'", after: "'\(call.name)(...)'")
                return .call(call)
            }
            if next.kind == .assign {
                throw error("'\(t.text)' cannot be assigned to", at: t.location,
                            hint: "only pseudo-variables such as $var(\(t.text)) can be assigned")
            }
            if next.kind == .semicolon {
                // Kamailio's grammar takes these core actions without parentheses too.
                if Self.bareCoreActions.contains(t.text) {
                    tokens.advance()
                    tokens.advance()
                    return .call(CallSyntax(name: t.text, arguments: [], location: t.location))
                }
                throw error("unknown statement '\(t.text)'", at: t.location, hint: "to call a function write \(t.text)();")
            }
            throw error("unexpected \(t.displayName); expected a statement", at: t.location)
        case .invalidOperator:
            throw invalidOperator(t)
        default:
            throw error("unexpected \(t.displayName); expected a statement", at: t.location)
        }
    }

    /// Core actions Kamailio's grammar accepts as a bare word (`force_rport;`).
    static let bareCoreActions: Set<String> = [
        "force_rport", "add_rport", "add_local_rport", "revert_uri", "set_reply_close",
        "set_reply_no_connect", "set_forward_close", "set_forward_no_connect", "force_tcp_alias",
        "resetdsturi", "isdsturiset",
    ]

    /// `{ statements }`
    func parseBlock() throws(Failure) -> [Statement] {
        let open = try expect(.leftBrace, "'{'")
        let body = parseStatements(until: .rightBrace)
        guard check(.rightBrace) else {
            throw error("missing '}' for the block opened here", at: open.location)
        }
        tokens.advance()
        return body
    }

    /// The body of if/else/while: a block or a single statement.
    private func parseBody() throws(Failure) -> [Statement] {
        if check(.leftBrace) { return try parseBlock() }
        let start = tokens.peek()
        guard let s = try parseStatement() else { return [] }
        _ = start
        return [s]
    }

    private func parseIf() throws(Failure) -> Statement {
        let keyword = tokens.advance()
        let condition = try parseCondition(after: "if")
        let then = try parseBody()
        var otherwise: [Statement]?
        if checkWord("else") {
            tokens.advance()
            otherwise = try parseBody()
        }
        return .ifElse(condition: condition, then: then, otherwise: otherwise, location: keyword.location)
    }

    private func parseWhile() throws(Failure) -> Statement {
        let keyword = tokens.advance()
        let condition = try parseCondition(after: "while")
        let body = try parseBody()
        return .whileLoop(condition: condition, body: body, location: keyword.location)
    }

    private func parseCondition(after keyword: String) throws(Failure) -> Expression {
        let t = tokens.peek()
        if t.kind == .leftBrace || t.kind == .semicolon || t.kind == .endOfFile {
            throw error("missing condition after '\(keyword)'", at: t.location)
        }
        return try parseExpression()
    }

    private func parseSwitch() throws(Failure) -> Statement {
        let keyword = tokens.advance()
        let subject = try parseCondition(after: "switch")
        try expect(.leftBrace, "'{'", after: "the switch expression")
        var cases: [SwitchCase] = []
        while !check(.rightBrace) {
            let t = tokens.peek()
            if t.kind == .endOfFile {
                throw error("missing '}' for the switch opened here", at: keyword.location)
            }
            do {
                let label: SwitchCase.Label
                if t.isIdentifier("default") {
                    tokens.advance()
                    label = .default
                } else if t.isIdentifier("case") {
                    tokens.advance()
                    label = try parseCaseLabel()
                } else {
                    throw error("expected 'case' or 'default' in switch, found \(t.displayName)", at: t.location)
                }
                try expect(.colon, "':'", after: "the case label")
                let body = parseStatements(until: .rightBrace, alsoStopAtCase: true)
                cases.append(SwitchCase(label: label, location: t.location, body: body))
            } catch {
                // Skip to the next case label or the end of the switch.
                while !tokens.atEnd, !check(.rightBrace), !checkWord("case"), !checkWord("default") {
                    if check(.leftBrace) {
                        synchronizeStatement()
                    } else {
                        tokens.advance()
                    }
                }
            }
        }
        tokens.advance()
        return .switchStatement(subject: subject, cases: cases, location: keyword.location)
    }

    private func parseCaseLabel() throws(Failure) -> SwitchCase.Label {
        let t = tokens.peek()
        switch t.kind {
        case .integer:
            tokens.advance()
            return .int(t.intValue)
        case .minus where tokens.peek(1).kind == .integer:
            tokens.advance()
            return .int(-tokens.advance().intValue)
        case .string:
            tokens.advance()
            return .string(t.text)
        case .slash:
            tokens.advance()
            let re = try expect(.string, "a quoted regular expression", after: "'/'")
            return .regex(re.text)
        case .identifier:
            if let b = Parser.booleanValue(t.text) {
                tokens.advance()
                return .int(b)
            }
            throw error("a case label must be a number or a string, not '\(t.text)'", at: t.location)
        default:
            throw unexpected(t, expected: "a number or a string", after: "'case'")
        }
    }

    private func parseAssignment() throws(Failure) -> Statement {
        let target = try parsePseudoVariableOperand()
        let op = tokens.peek()
        switch op.kind {
        case .assign:
            tokens.advance()
        case .invalidOperator:
            throw invalidOperator(op)
        case .semicolon:
            throw error("a pseudo-variable alone is not a statement", at: target.location, hint: "assign it: \(target.syntax.text) = value;")
        default:
            throw unexpected(op, expected: "'='", after: "'\(target.syntax.text)'")
        }
        if check(.semicolon) {
            throw error("missing value after '='", at: tokens.peek().location)
        }
        let value = try parseExpression()
        try expect(.semicolon, "';'", after: "the assignment")
        return .assignment(target: target, value: value, location: target.location)
    }

    func parsePseudoVariableOperand() throws(Failure) -> PVOperand {
        let t = tokens.advance()
        do {
            let syntax = try PseudoVariableSyntax.parse(token: t.text)
            return PVOperand(syntax: syntax, location: t.location)
        } catch {
            var at = t.location
            at.column += error.offset
            throw self.error("bad pseudo-variable '\(t.text)': \(error.message)", at: at)
        }
    }
}
