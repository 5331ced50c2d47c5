#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How `$name` is read, chosen by the header line of the file (spec §2.1).
public enum CompatibilityMode: Sendable, Equatable {
    /// `#!KAMAILIO`, `#!OPENSER`, `#!TERN`: `$name` is a pseudo-variable.
    case kamailio
    /// `#!SER`: `$name` is an AVP in SER.
    case ser
    /// `#!MAXCOMPAT`, `#!ALL`, or no header.
    case maxCompat
}

/// Feeds the parser: reads files through lexers, acts on `#!` directives, expands defines,
/// follows `include_file`/`import_file`, and applies `#!subst` rules to strings. Every token it
/// hands out keeps the location it was written at (expanded define values take the location of
/// the name they replace).
final class Preprocessor {
    struct Define {
        var name: String
        var tokens: [Token]
        /// The value as written (for `$def(NAME)`).
        var text: String?
        var location: SourceLocation
    }

    private struct Conditional {
        var opening: SourceLocation
        var directive: String
        var inElse: Bool
    }

    private struct Frame {
        var lexer: Lexer
        var canonicalPath: String
        var conditionals: [Conditional] = []
    }

    private(set) var defines: [String: Define] = [:]
    private(set) var compatibility: CompatibilityMode = .maxCompat
    /// Every file read, by the path used in locations (to show source lines in diagnostics).
    private(set) var files: [String: SourceFile] = [:]
    /// Files in the order they were first read (to order diagnostics).
    private(set) var fileOrder: [String] = []

    private let provider: SourceProvider
    private let sink: DiagnosticSink
    private var frames: [Frame] = []
    /// Tokens waiting to be handed out (define expansions), last element first.
    private var pending: [Token] = []
    private var substitutions: [Substitution] = []
    private var sawHeader = false

    static let maximumIncludeDepth = 32
    static let maximumExpansionDepth = 32

    init(provider: SourceProvider, sink: DiagnosticSink) {
        self.provider = provider
        self.sink = sink
    }

    // MARK: - Setup

    /// `-A NAME` / `-A NAME=VALUE` from the command line; same as `#!define` before the file.
    func defineFromCommandLine(name: String, value: String?) {
        let location = SourceLocation(file: "<command line>", line: 1, column: 1)
        guard isValidDefineName(name) else {
            sink.error("'\(name)' is not a valid name to define", at: location, hint: "use -A NAME or -A NAME=VALUE")
            return
        }
        if let existing = defines[name] {
            sink.report(Diagnostic(.error, at: location, "'\(name)' is defined twice on the command line",
                                   notes: [Diagnostic(.note, at: existing.location, "first defined here")]))
            return
        }
        defines[name] = Define(name: name, tokens: lexValue(value ?? "", at: location), text: value, location: location)
    }

    /// Opens the main file. Returns false (with an error reported) when it cannot be read.
    @discardableResult
    func start(mainFile path: String) -> Bool {
        guard let bytes = provider.contents(ofFile: path) else {
            sink.error("cannot read configuration file '\(path)'", at: SourceLocation(file: path, line: 0, column: 0))
            return false
        }
        push(path: path, bytes: bytes)
        return true
    }

    func sourceLine(_ location: SourceLocation) -> String? {
        files[location.file]?.lineText(location.line)
    }

    private func push(path: String, bytes: [UInt8]) {
        let file = SourceFile(path: path, bytes: bytes)
        if files[path] == nil { fileOrder.append(path) }
        files[path] = file
        frames.append(Frame(lexer: Lexer(file: file, sink: sink), canonicalPath: provider.canonicalPath(path)))
    }

    // MARK: - Token stream

    /// The next token after preprocessing; `.endOfFile` once the main file is done.
    func next() -> Token {
        while true {
            let token: Token
            if let p = pending.popLast() {
                token = p
            } else {
                guard !frames.isEmpty else { return Token(.endOfFile, "", at: lastLocation) }
                let t = frames[frames.count - 1].lexer.next()
                if t.kind == .endOfFile {
                    finishFrame()
                    if frames.isEmpty { return t }
                    continue
                }
                token = t
            }
            switch token.kind {
            case .directive:
                handleDirective(token)
                continue
            case .identifier:
                if token.text == "include_file" || token.text == "import_file", defines[token.text] == nil, token.expansionDepth == 0 {
                    handleIncludeStatement(token)
                    continue
                }
                if let define = defines[token.text] {
                    expand(define, at: token)
                    continue
                }
                return token
            case .string, .pseudoVariable:
                return substituted(token)
            default:
                return token
            }
        }
    }

    private var lastLocation: SourceLocation = SourceLocation(file: "", line: 0, column: 0)

    private func finishFrame() {
        guard let frame = frames.popLast() else { return }
        for open in frame.conditionals {
            sink.error("'#!\(open.directive)' is not closed", at: open.opening, hint: "add '#!endif'")
        }
        lastLocation = SourceLocation(file: frame.lexer.file.path, line: 0, column: 0)
    }

    private func expand(_ define: Define, at use: Token) {
        guard use.expansionDepth < Preprocessor.maximumExpansionDepth else {
            sink.error("'\(define.name)' keeps expanding into itself", at: use.location, hint: "a #!define value refers back to its own name")
            return
        }
        var expanded: [Token] = []
        expanded.reserveCapacity(define.tokens.count)
        for (i, var t) in define.tokens.enumerated() {
            t.location = use.location
            t.end = use.end
            t.expansionDepth = use.expansionDepth + 1
            if i == 0 {
                t.spaceBefore = use.spaceBefore
                t.lineBreakBefore = use.lineBreakBefore
            } else {
                t.lineBreakBefore = false
            }
            expanded.append(t)
        }
        pending.append(contentsOf: expanded.reversed())
    }

    private func substituted(_ token: Token) -> Token {
        guard !substitutions.isEmpty else { return token }
        var t = token
        for s in substitutions {
            if let replaced = s.apply(to: t.text) { t.text = replaced }
        }
        return t
    }

    private func applySubstitutions(_ text: String) -> String {
        var text = text
        for s in substitutions {
            if let replaced = s.apply(to: text) { text = replaced }
        }
        return text
    }

    // MARK: - Includes

    private func handleIncludeStatement(_ keyword: Token) {
        let t = frames.isEmpty ? Token(.endOfFile, "", at: keyword.location) : frames[frames.count - 1].lexer.next()
        guard t.kind == .string else {
            sink.error("'\(keyword.text)' needs a file name in quotes", at: t.kind == .endOfFile ? keyword.location : t.location)
            if t.kind != .endOfFile { pending.append(t) }
            return
        }
        include(name: applySubstitutions(t.text), at: t.location, required: keyword.text == "include_file")
    }

    private func include(name: String, at location: SourceLocation, required: Bool) {
        guard !name.isEmpty else {
            sink.error("empty file name in \(required ? "include_file" : "import_file")", at: location)
            return
        }
        let including = frames.last?.lexer.file.path ?? ""
        var candidates: [String] = []
        if PathText.isAbsolute(name) {
            candidates = [name]
        } else {
            candidates.append(PathText.join(PathText.directory(of: including), name))
            candidates.append(PathText.join(provider.currentDirectory, name))
        }
        var found: (String, [UInt8])?
        for c in candidates {
            if let bytes = provider.contents(ofFile: c) {
                found = (c, bytes)
                break
            }
        }
        guard let (path, bytes) = found else {
            if required {
                sink.error("cannot open included file '\(name)'", at: location,
                           hint: "looked for \(candidates.map { "'\($0)'" }.joined(separator: " and "))")
            }
            return
        }
        let canonical = provider.canonicalPath(path)
        if let cycleStart = frames.firstIndex(where: { $0.canonicalPath == canonical }) {
            let chain = frames[cycleStart...].map { $0.lexer.file.path } + [path]
            sink.error("include cycle: \(chain.joined(separator: " -> "))", at: location)
            return
        }
        guard frames.count < Preprocessor.maximumIncludeDepth else {
            sink.error("includes nested more than \(Preprocessor.maximumIncludeDepth) deep", at: location)
            return
        }
        push(path: path, bytes: bytes)
    }

    // MARK: - Directives

    private func handleDirective(_ d: Token) {
        let arg = d.argument
        let argLocation = d.argumentLocation ?? d.location
        switch d.text {
        case "KAMAILIO", "OPENSER", "TERN":
            setHeader(.kamailio)
        case "SER":
            setHeader(.ser)
        case "MAXCOMPAT", "ALL":
            setHeader(.maxCompat)
        case "define", "def":
            define(arg, at: d, mode: .strict)
        case "trydef", "trydefine":
            define(arg, at: d, mode: .ifUndefined)
        case "redef", "redefine":
            define(arg, at: d, mode: .overwrite)
        case "undef", "tryundef":
            let name = firstWord(arg)
            if defines.removeValue(forKey: name) == nil, d.text == "undef" {
                sink.warning("'\(name)' is not defined", at: argLocation)
            }
        case "ifdef", "ifndef":
            let name = firstWord(arg)
            guard !name.isEmpty else {
                sink.error("'#!\(d.text)' needs a name", at: d.location)
                return
            }
            let isDefined = defines[name] != nil
            let take = d.text == "ifdef" ? isDefined : !isDefined
            frames[frames.count - 1].conditionals.append(Conditional(opening: d.location, directive: d.text, inElse: false))
            if !take { skipBranch() }
        case "ifexp":
            sink.error("'#!ifexp' is not supported", at: d.location, hint: "use #!ifdef / #!ifndef")
            frames[frames.count - 1].conditionals.append(Conditional(opening: d.location, directive: d.text, inElse: false))
        case "else":
            guard var top = frames[frames.count - 1].conditionals.last else {
                sink.error("'#!else' without '#!ifdef'", at: d.location)
                return
            }
            if top.inElse {
                sink.error("second '#!else' for the same '#!\(top.directive)'", at: d.location)
                return
            }
            top.inElse = true
            frames[frames.count - 1].conditionals[frames[frames.count - 1].conditionals.count - 1] = top
            // We were taking the first branch, so the else branch is skipped.
            skipBranch()
        case "endif":
            if frames[frames.count - 1].conditionals.popLast() == nil {
                sink.error("'#!endif' without '#!ifdef'", at: d.location)
            }
        case "subst":
            if let s = substitution(arg, at: argLocation) { substitutions.append(s) }
        case "substdef", "substdefs":
            guard let s = substitution(arg, at: argLocation) else { return }
            substitutions.append(s)
            guard let expression = quotedArgument(arg, at: argLocation),
                let (pattern, replacement, _) = try? Substitution.split(expression)
            else { return }
            guard isValidDefineName(pattern) else {
                sink.error("'#!\(d.text)' needs a plain name to define, not '\(pattern)'", at: argLocation)
                return
            }
            let value = d.text == "substdefs" ? quoted(replacement) : replacement
            addDefine(pattern, value: value, at: d.location, mode: .strict)
        case "include_file", "import_file":
            guard let name = quotedArgument(arg, at: argLocation) else { return }
            include(name: applySubstitutions(name), at: argLocation, required: d.text == "include_file")
        case "defenv", "defenvs", "trydefenv", "trydefenvs":
            defineFromEnvironment(arg, at: d)
        default:
            sink.warning("'#!\(d.text)' is not supported and is ignored", at: d.location)
        }
    }

    private func setHeader(_ mode: CompatibilityMode) {
        if !sawHeader {
            compatibility = mode
            sawHeader = true
        }
    }

    /// Skips text up to the `#!else` or `#!endif` that closes the innermost conditional.
    private func skipBranch() {
        let index = frames.count - 1
        while true {
            guard let end = frames[index].lexer.skipConditional() else {
                // End of file inside the skipped branch: finishFrame reports the open conditional.
                return
            }
            if end.text == "endif" {
                frames[index].conditionals.removeLast()
                return
            }
            // "else"
            var top = frames[index].conditionals[frames[index].conditionals.count - 1]
            if top.inElse {
                sink.error("second '#!else' for the same '#!\(top.directive)'", at: end.location)
                continue
            }
            top.inElse = true
            frames[index].conditionals[frames[index].conditionals.count - 1] = top
            return
        }
    }

    private enum DefineMode { case strict, ifUndefined, overwrite }

    private func define(_ arg: String, at d: Token, mode: DefineMode) {
        let argLocation = d.argumentLocation ?? d.location
        let bytes = Array(arg.utf8)
        var i = 0
        while i < bytes.count, isIdentifierByte(bytes[i]) { i += 1 }
        let name = String(decoding: bytes[0..<i], as: UTF8.self)
        guard !name.isEmpty, isValidDefineName(name) else {
            sink.error("'#!\(d.text)' needs a name", at: argLocation, hint: "#!define NAME [value]")
            return
        }
        if i < bytes.count, !(bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") || bytes[i] == UInt8(ascii: "\n")) {
            sink.error("'\(name)\(Character(UnicodeScalar(bytes[i])))' is not a valid name to define", at: argLocation,
                       hint: "names are letters, digits and '_'; the value follows after a space")
            return
        }
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") || bytes[i] == UInt8(ascii: "\n") { i += 1 }
        let value = i < bytes.count ? String(decoding: bytes[i...], as: UTF8.self) : nil
        addDefine(name, value: value, at: d.location, mode: mode)
    }

    private func addDefine(_ name: String, value: String?, at location: SourceLocation, mode: DefineMode) {
        if let existing = defines[name] {
            switch mode {
            case .ifUndefined:
                return
            case .strict:
                sink.report(Diagnostic(.error, at: location, "'\(name)' is already defined",
                                       hint: "use #!redefine to change it, or #!trydef to define it only once",
                                       notes: [Diagnostic(.note, at: existing.location, "'\(name)' was defined here")]))
                return
            case .overwrite:
                break
            }
        }
        defines[name] = Define(name: name, tokens: lexValue(value ?? "", at: location), text: value, location: location)
    }

    private func defineFromEnvironment(_ arg: String, at d: Token) {
        let argLocation = d.argumentLocation ?? d.location
        let spec = firstWord(arg, allowing: "=")
        var name = spec
        var variable = spec
        if let eq = spec.firstIndex(of: "=") {
            name = String(spec[..<eq])
            variable = String(spec[spec.index(after: eq)...])
        }
        guard isValidDefineName(name), !variable.isEmpty else {
            sink.error("'#!\(d.text)' needs NAME or NAME=ENVVAR", at: argLocation)
            return
        }
        guard let raw = getenv(variable) else {
            if !d.text.hasPrefix("try") {
                sink.error("environment variable '\(variable)' is not set", at: argLocation)
            }
            return
        }
        let value = String(cString: raw)
        let quote = d.text.hasSuffix("s")
        addDefine(name, value: quote ? quoted(value) : value, at: d.location, mode: d.text.hasPrefix("try") ? .ifUndefined : .strict)
    }

    private func substitution(_ arg: String, at location: SourceLocation) -> Substitution? {
        guard let expression = quotedArgument(arg, at: location) else { return nil }
        do {
            return try Substitution(expression: expression)
        } catch {
            sink.error(error.message, at: location)
            return nil
        }
    }

    /// The text of a `"..."` directive argument (a backslash keeps the next character).
    private func quotedArgument(_ arg: String, at location: SourceLocation) -> String? {
        let bytes = Array(arg.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\"") || bytes[0] == UInt8(ascii: "'") else {
            sink.error("expected a quoted argument", at: location)
            return nil
        }
        let q = bytes[0]
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count {
            if bytes[i] == q {
                return String(decoding: out, as: UTF8.self)
            }
            if q == UInt8(ascii: "\""), bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == q {
                out.append(q)
                i += 2
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        sink.error("missing closing quote", at: location)
        return nil
    }

    private func quoted(_ value: String) -> String {
        var out = "\""
        for ch in value {
            if ch == "\"" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }

    private func firstWord(_ text: String, allowing extra: Character? = nil) -> String {
        String(text.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == extra })
    }

    private func isValidDefineName(_ name: String) -> Bool {
        guard let first = name.utf8.first, isIdentifierStart(first) else { return false }
        return name.utf8.allSatisfy(isIdentifierByte)
    }

    /// A define's value as tokens; lexical errors in it are reported at the define.
    private func lexValue(_ value: String, at location: SourceLocation) -> [Token] {
        guard !value.isEmpty else { return [] }
        let valueSink = DiagnosticSink()
        var lexer = Lexer(file: SourceFile(path: location.file, bytes: Array(value.utf8)), sink: valueSink)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            if t.kind == .endOfFile { break }
            if t.kind == .directive {
                sink.error("a #!define value cannot hold a '#!' directive", at: location)
                continue
            }
            tokens.append(t)
        }
        for var d in valueSink.diagnostics {
            d.location = location
            d.message = "in the value of this define: " + d.message
            sink.report(d)
        }
        return tokens
    }
}
