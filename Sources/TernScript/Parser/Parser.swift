/// Builds the syntax tree of a configuration (spec §2.2–§2.10). On a syntax error it reports
/// one diagnostic and skips to a point where parsing can go on (the next `;`, the closing `}`,
/// or the next top-level item), so every independent mistake is reported once.
final class Parser {
    var tokens: TokenStream
    let sink: DiagnosticSink
    /// Current nesting of blocks and parenthesised expressions; bounded so hostile input cannot
    /// exhaust the stack.
    var depth = 0
    static let maximumDepth = 200

    /// Thrown after a syntax error has been reported, to unwind to a recovery point.
    struct Failure: Error {}

    static let routeKeywords: Set<String> = [
        "request_route", "route", "failure_route", "onreply_route", "reply_route",
        "branch_route", "onsend_route", "event_route",
    ]
    static let topLevelKeywords: Set<String> = routeKeywords.union([
        "loadmodule", "loadmodulex", "modparam", "modparamx", "flags", "bool", "avpflags",
    ])

    init(preprocessor: Preprocessor, sink: DiagnosticSink) {
        self.tokens = TokenStream(preprocessor)
        self.sink = sink
    }

    // MARK: - Helpers

    func error(_ message: String, at location: SourceLocation, hint: String? = nil) -> Failure {
        sink.error(message, at: location, hint: hint)
        return Failure()
    }

    func check(_ kind: TokenKind) -> Bool { tokens.peek().kind == kind }

    /// Enters one level of nesting; throws when the input nests too deeply.
    func enter(at location: SourceLocation) throws(Failure) {
        depth += 1
        if depth > Parser.maximumDepth {
            depth = 0
            throw error("nesting is too deep (more than \(Parser.maximumDepth) levels)", at: location)
        }
    }

    func leave() { depth = max(0, depth - 1) }

    func checkWord(_ word: String) -> Bool { tokens.peek().isIdentifier(word) }

    @discardableResult
    func expect(_ kind: TokenKind, _ what: String, after context: String? = nil) throws(Failure) -> Token {
        let t = tokens.peek()
        if t.kind == kind { return tokens.advance() }
        throw unexpected(t, expected: what, after: context)
    }

    /// "expected X" at the token found; for a missing ';' the location is just after the
    /// previous token, where the ';' belongs.
    func unexpected(_ t: Token, expected what: String, after context: String? = nil) -> Failure {
        if what == "';'", t.kind != .invalidOperator {
            let prev = tokens.previous
            return error("expected ';'\(context.map { " after \($0)" } ?? "")", at: prev.end)
        }
        var hint: String?
        switch t.kind {
        case .invalidOperator:
            return invalidOperator(t)
        case .percent:
            hint = "'%' is not an operator here; use 'mod' for the remainder"
        default:
            break
        }
        return error("expected \(what)\(context.map { " after \($0)" } ?? ""), found \(t.displayName)", at: t.location, hint: hint)
    }

    func invalidOperator(_ t: Token) -> Failure {
        switch t.text {
        case "!~":
            return error("there is no '!~' operator", at: t.location, hint: "write !(a =~ b)")
        default:
            let op = String(t.text.dropLast())
            return error("there is no '\(t.text)' operator", at: t.location, hint: "write $x = $x \(op) ...")
        }
    }

    // MARK: - File

    func parseFile() -> ConfigAST {
        var ast = ConfigAST()
        while !tokens.atEnd {
            do {
                if let item = try parseTopLevelItem() { ast.items.append(item) }
            } catch {
                synchronizeTopLevel()
            }
        }
        return ast
    }

    private func parseTopLevelItem() throws(Failure) -> TopLevelItem? {
        let t = tokens.peek()
        switch t.kind {
        case .semicolon:
            tokens.advance()
            return nil
        case .identifier:
            let word = t.text
            if Parser.routeKeywords.contains(word) { return .route(try parseRouteBlock()) }
            switch word {
            case "loadmodule", "loadmodulex":
                return try parseLoadModule()
            case "modparam", "modparamx":
                return .moduleParameter(try parseModuleParameter())
            case "flags", "bool", "avpflags":
                return .flags(try parseFlags())
            case "cfgengine" where tokens.peek(1).kind == .string:
                tokens.advance()
                let v = tokens.advance()
                return .global(GlobalAssignment(name: word, location: t.location, value: .string(v.text), valueLocation: v.location))
            default:
                break
            }
            let next = tokens.peek(1)
            if next.kind == .assign { return .global(try parseGlobal()) }
            if next.kind == .dot, tokens.peek(2).kind == .identifier, tokens.peek(3).kind == .assign {
                if word == "kemi" { return .global(try parseGlobal()) }
                let variable = word + "." + tokens.peek(2).text
                skipCustomConfigVariable()
                sink.error("custom cfg variables ('\(variable) = ...') are not supported yet", at: t.location)
                return nil
            }
            if next.kind == .leftBrace || next.kind == .leftBracket {
                throw error("unknown route block '\(word)'", at: t.location,
                            hint: DidYouMean.hint(for: word, among: Parser.routeKeywords))
            }
            throw error("unexpected \(t.displayName) at the top level", at: t.location,
                        hint: DidYouMean.hint(for: word, among: Parser.topLevelKeywords)
                            ?? "expected a global setting (name = value), loadmodule, modparam or a route block")
        case .invalidOperator:
            throw invalidOperator(t)
        default:
            throw error("unexpected \(t.displayName) at the top level", at: t.location,
                        hint: t.kind == .rightBrace ? "this '}' closes nothing" : nil)
        }
    }

    /// Skips to something that can start a top-level item: a keyword or `name =` at the start
    /// of a line, outside braces. A block that was entered is skipped whole.
    private func synchronizeTopLevel() {
        var depth = 0
        var first = true
        while !tokens.atEnd {
            let t = tokens.peek()
            if !first, depth == 0, t.lineBreakBefore, startsTopLevelItem(t) { return }
            first = false
            switch t.kind {
            case .leftBrace:
                depth += 1
            case .rightBrace:
                if depth > 0 {
                    depth -= 1
                    tokens.advance()
                    if depth == 0 { return }
                    continue
                }
                tokens.advance()
                return
            default:
                break
            }
            tokens.advance()
        }
    }

    private func startsTopLevelItem(_ t: Token) -> Bool {
        guard t.kind == .identifier else { return false }
        if Parser.topLevelKeywords.contains(t.text) { return true }
        let next = tokens.peek(1)
        if next.kind == .dot { return tokens.peek(2).kind == .identifier && tokens.peek(3).kind == .assign }
        return next.kind == .assign
    }

    /// Skips `group.var = value [desc "text"]` (a custom runtime cfg variable).
    private func skipCustomConfigVariable() {
        for _ in 0..<4 { tokens.advance() }  // group . var =
        if check(.minus) { tokens.advance() }
        let value = tokens.peek()
        if value.kind == .string || value.kind == .integer || value.kind == .identifier { tokens.advance() }
        let d = tokens.peek()
        if d.kind == .identifier, ["desc", "descr", "description"].contains(d.text), !d.lineBreakBefore {
            tokens.advance()
            if check(.string) { tokens.advance() }
        }
        if check(.semicolon) { tokens.advance() }
    }

    // MARK: - Globals

    private func parseGlobal() throws(Failure) -> GlobalAssignment {
        let nameToken = tokens.advance()
        var name = nameToken.text
        if check(.dot) {
            tokens.advance()
            name += "." + tokens.advance().text
        }
        try expect(.assign, "'='")
        let valueToken = tokens.peek()
        let value: GlobalValueSyntax
        if GlobalParameterTable.addressListParameters.contains(name) {
            value = try parseAddressList(for: name)
        } else {
            value = try parseGlobalValue(for: name)
        }
        if check(.semicolon) { tokens.advance() }
        return GlobalAssignment(name: name, location: nameToken.location, value: value, valueLocation: valueToken.location)
    }

    private func parseGlobalValue(for name: String) throws(Failure) -> GlobalValueSyntax {
        let t = tokens.peek()
        if t.kind == .endOfFile || t.kind == .semicolon || t.lineBreakBefore {
            throw error("missing value for '\(name)'", at: tokens.previous.end)
        }
        // Adjacent tokens (no blanks between) form one value: host names, addresses.
        let run = adjacentRun(stopAtComma: false)
        if run.count == 1 {
            let only = run[0]
            switch only.kind {
            case .integer: return .int(only.intValue)
            case .string: return .string(only.text)
            case .identifier:
                if let b = Parser.booleanValue(only.text) { return .int(b) }
                return .identifier(only.text)
            case .ipv4, .ipv6: return .address(text: only.text, advertise: nil, name: nil)
            default:
                throw error("unexpected \(only.displayName) as the value of '\(name)'", at: only.location)
            }
        }
        if run.count == 2, run[0].kind == .minus, run[1].kind == .integer {
            return .int(-run[1].intValue)
        }
        if let bad = run.first(where: { $0.kind == .string || $0.kind == .pseudoVariable }) {
            throw error("unexpected \(bad.displayName) in the value of '\(name)'", at: bad.location)
        }
        return .address(text: run.map(\.spelling).joined(), advertise: nil, name: nil)
    }

    /// Tokens up to the first blank, line break, ';' (or ',' when asked), taken whole.
    func adjacentRun(stopAtComma: Bool) -> [Token] {
        var run: [Token] = []
        while true {
            let t = tokens.peek()
            if t.kind == .endOfFile || t.kind == .semicolon || t.kind == .directive { break }
            if stopAtComma, t.kind == .comma || t.kind == .rightParen { break }
            if !run.isEmpty, t.spaceBefore || t.lineBreakBefore { break }
            run.append(tokens.advance())
        }
        return run
    }

    /// `listen=` / `alias=` values: one or more addresses on the line, each optionally followed
    /// by `advertise host[:port]` and `name "n"`.
    private func parseAddressList(for name: String) throws(Failure) -> GlobalValueSyntax {
        var items: [GlobalValueSyntax] = []
        let first = tokens.peek()
        if first.kind == .endOfFile || first.kind == .semicolon || first.lineBreakBefore {
            throw error("missing value for '\(name)'", at: tokens.previous.end)
        }
        while true {
            let t = tokens.peek()
            if t.kind == .endOfFile || t.kind == .semicolon || (t.lineBreakBefore && !items.isEmpty) { break }
            if t.kind == .comma, !items.isEmpty {
                tokens.advance()
                continue
            }
            let address: String
            if t.kind == .string {
                address = tokens.advance().text
            } else if t.kind == .leftParen {
                throw error("a parenthesised list of addresses is not supported; write one address per '\(name)' line", at: t.location)
            } else {
                let run = adjacentRun(stopAtComma: true)
                if let bad = run.first(where: { $0.kind == .pseudoVariable || $0.kind == .leftBrace }) {
                    throw error("unexpected \(bad.displayName) in '\(name)'", at: bad.location)
                }
                guard !run.isEmpty else { throw unexpected(tokens.peek(), expected: "an address") }
                address = run.map(\.spelling).joined()
            }
            var advertise: String?
            var socketName: String?
            while true {
                let k = tokens.peek()
                if k.lineBreakBefore || k.kind != .identifier { break }
                if k.text == "advertise" || k.text == "ADVERTISE" {
                    tokens.advance()
                    let run = adjacentRun(stopAtComma: true)
                    guard !run.isEmpty else { throw unexpected(tokens.peek(), expected: "an address after 'advertise'") }
                    advertise = run.map(\.spelling).joined()
                } else if k.text == "name" || k.text == "NAME" {
                    tokens.advance()
                    let n = try expect(.string, "a quoted socket name", after: "'name'")
                    socketName = n.text
                } else if k.text == "virtual" || k.text == "VIRTUAL" {
                    tokens.advance()
                } else {
                    break
                }
            }
            items.append(.address(text: address, advertise: advertise, name: socketName))
        }
        return items.count == 1 ? items[0] : .addressList(items)
    }

    static func booleanValue(_ word: String) -> Int? {
        switch word {
        case "yes", "true", "on", "enable": return 1
        case "no", "false", "off", "disable": return 0
        default: return nil
        }
    }

    // MARK: - Modules

    private func parseLoadModule() throws(Failure) -> TopLevelItem {
        let keyword = tokens.advance()
        let parenthesized = check(.leftParen)
        if parenthesized { tokens.advance() }
        let name = try expect(.string, "a module name in quotes", after: "'\(keyword.text)'")
        if parenthesized {
            if check(.comma) {
                tokens.advance()
                try expect(.string, "module options in quotes")
            }
            try expect(.rightParen, "')'")
        }
        if check(.semicolon) { tokens.advance() }
        return .loadModule(name: name.text, location: name.location)
    }

    private func parseModuleParameter() throws(Failure) -> ModuleParameterSyntax {
        let keyword = tokens.advance()
        try expect(.leftParen, "'('", after: "'\(keyword.text)'")
        let module = try expect(.string, "the module name in quotes")
        try expect(.comma, "','")
        let parameter = try expect(.string, "the parameter name in quotes")
        try expect(.comma, "','")
        let valueToken = tokens.peek()
        let value: ScriptValue
        switch valueToken.kind {
        case .string:
            tokens.advance()
            value = .string(valueToken.text)
        case .integer:
            tokens.advance()
            value = .int(valueToken.intValue)
        case .minus where tokens.peek(1).kind == .integer:
            tokens.advance()
            value = .int(-tokens.advance().intValue)
        case .identifier where Parser.booleanValue(valueToken.text) != nil:
            tokens.advance()
            value = .int(Parser.booleanValue(valueToken.text) ?? 0)
        case .identifier:
            throw error("'\(valueToken.text)' is not defined", at: valueToken.location,
                        hint: "a modparam value is a number or a quoted string")
        default:
            throw unexpected(valueToken, expected: "a number or a quoted string")
        }
        try expect(.rightParen, "')'")
        if check(.semicolon) { tokens.advance() }
        return ModuleParameterSyntax(module: module.text, moduleLocation: module.location, parameter: parameter.text,
                                     parameterLocation: parameter.location, value: value, valueLocation: valueToken.location,
                                     location: keyword.location)
    }

    private func parseFlags() throws(Failure) -> [FlagDeclaration] {
        tokens.advance()
        var flags: [FlagDeclaration] = []
        repeat {
            if check(.comma) { tokens.advance() }
            let t = tokens.peek()
            guard t.kind == .identifier || t.kind == .string else { throw unexpected(t, expected: "a flag name") }
            tokens.advance()
            var bit: Int?
            if check(.colon) {
                tokens.advance()
                bit = try expect(.integer, "a flag number").intValue
            }
            flags.append(FlagDeclaration(name: t.text, bit: bit, location: t.location))
        } while check(.comma)
        if check(.semicolon) { tokens.advance() }
        return flags
    }

    // MARK: - Route blocks

    private func parseRouteBlock() throws(Failure) -> RouteBlockSyntax {
        let keyword = tokens.advance()
        var kind: RouteBlockKind
        switch keyword.text {
        case "request_route": kind = .request
        case "route": kind = .named
        case "failure_route": kind = .failure
        case "onreply_route": kind = .onReply
        case "reply_route": kind = .coreReply
        case "branch_route": kind = .branch
        case "onsend_route": kind = .onSend
        default: kind = .event
        }
        var name: String?
        var nameLocation = keyword.location
        if check(.leftBracket) {
            let open = tokens.advance()
            nameLocation = tokens.peek().location
            var parts: [Token] = []
            while !check(.rightBracket) {
                let t = tokens.peek()
                if t.kind == .endOfFile || t.kind == .leftBrace || t.kind == .rightBrace || t.kind == .semicolon {
                    throw error("missing ']' after the route name", at: open.location)
                }
                parts.append(tokens.advance())
            }
            tokens.advance()
            guard !parts.isEmpty else { throw error("empty route name", at: open.location) }
            if parts.count == 1, parts[0].kind == .integer {
                name = String(parts[0].intValue)
            } else {
                name = parts.map(\.spelling).joined()
            }
        }
        switch kind {
        case .request, .coreReply, .onSend:
            if name != nil { throw error("'\(keyword.text)' takes no name", at: nameLocation) }
        case .named:
            if name == nil { kind = .request }
        case .onReply:
            if name == nil || name == "0" {
                kind = .coreReply
                name = nil
            }
        case .failure, .branch, .event:
            if name == nil {
                throw error("'\(keyword.text)' needs a name: \(keyword.text)[NAME]", at: keyword.location)
            }
        }
        try expect(.leftBrace, "'{'", after: "the route header")
        let body = parseStatements(until: .rightBrace)
        try expect(.rightBrace, "'}'")
        return RouteBlockSyntax(kind: kind, name: name, nameLocation: nameLocation, body: body, location: keyword.location)
    }
}
