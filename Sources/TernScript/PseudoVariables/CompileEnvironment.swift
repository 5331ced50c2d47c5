/// What binding a pseudo-variable needs at load time: the declarations in scope (TernScript's
/// own, the runtime's and the loaded modules'), the ones of modules that exist but are not
/// loaded (for a precise message), and the transformations.
final class CompileEnvironment {
    private var pseudoVariables: [String: PseudoVariableDeclaration] = [:]
    /// Pseudo-variable name → module that would provide it if loaded.
    private var unloadedPseudoVariables: [String: String] = [:]
    private var transformations: [String: TransformationDeclaration] = [:]
    /// `flags NAME:bit` declarations.
    var flagNames: [String: Int] = [:]

    init() {
        for t in CoreTransformations.all { transformations[t.name] = t }
    }

    func add(_ declaration: PseudoVariableDeclaration) {
        pseudoVariables[declaration.name] = declaration
    }

    func addUnloaded(_ declaration: PseudoVariableDeclaration, module: String) {
        if pseudoVariables[declaration.name] == nil, unloadedPseudoVariables[declaration.name] == nil {
            unloadedPseudoVariables[declaration.name] = module
        }
    }

    func add(_ transformation: TransformationDeclaration) {
        transformations[transformation.name] = transformation
    }

    func hasPseudoVariable(named name: String) -> Bool { pseudoVariables[name] != nil }

    // MARK: - Binding

    func bindPseudoVariable(text: String, at location: SourceLocation) throws(Diagnostic) -> PseudoVariableReference {
        let syntax: PseudoVariableSyntax
        do {
            syntax = try PseudoVariableSyntax.parse(token: text)
        } catch {
            throw .error("bad pseudo-variable '\(text)': \(error.message)", at: location)
        }
        return try bind(syntax, at: location)
    }

    func bind(_ syntax: PseudoVariableSyntax, at location: SourceLocation) throws(Diagnostic) -> PseudoVariableReference {
        guard let declaration = pseudoVariables[syntax.name] else {
            throw unknownPseudoVariable(syntax.name, at: location)
        }
        switch declaration.innerName {
        case .none where syntax.inner != nil:
            throw .error("'$\(syntax.name)' takes no name in parentheses", at: location, hint: "write $\(syntax.name)")
        case .required where syntax.inner == nil:
            throw .error("'$\(syntax.name)' needs a name in parentheses", at: location, hint: "write $\(syntax.name)(name)")
        default:
            break
        }
        if let inner = syntax.inner, inner.isEmpty {
            throw .error("empty name in '\(syntax.text)'", at: location)
        }
        let binding = PseudoVariableBinding(name: syntax.name, inner: syntax.inner, location: location, environment: self)
        let accessors = try declaration.bind(binding)
        var getter = accessors.get
        var setter = accessors.set

        if let indexText = syntax.index {
            guard let indexed = accessors.getIndexed else {
                throw .error("'$\(syntax.name)' cannot be indexed", at: location)
            }
            setter = nil
            let trimmed = indexText.trimmingBlanks
            if trimmed == "*" {
                getter = { ctx in indexed(ctx, .all) }
            } else if let n = Lexer.integerValue(of: trimmed) {
                getter = { ctx in indexed(ctx, .position(n)) }
            } else if trimmed.hasPrefix("-"), let n = Lexer.integerValue(of: String(trimmed.dropFirst())) {
                getter = { ctx in indexed(ctx, .position(-n)) }
            } else if trimmed.hasPrefix("$") {
                let dynamic = try bindPseudoVariable(text: trimmed, at: location)
                getter = { ctx in indexed(ctx, .position(dynamic.get(ctx).intValue)) }
            } else {
                throw .error("bad index '[\(indexText)]' in '\(syntax.text)'", at: location, hint: "use [n], [-n], [*] or [$var(i)]")
            }
        }
        if !syntax.transformations.isEmpty {
            var chain: [Transformation] = []
            for t in syntax.transformations {
                chain.append(try compileTransformation(t, at: location))
            }
            let base = getter
            getter = { ctx in
                var v = base(ctx)
                for t in chain { v = t(ctx, v) }
                return v
            }
            setter = nil
        }
        return PseudoVariableReference(text: syntax.text, location: location, getter: getter, setter: setter)
    }

    func unknownPseudoVariable(_ name: String, at location: SourceLocation) -> Diagnostic {
        if let module = unloadedPseudoVariables[name] {
            return .error("pseudo-variable '$\(name)' is exported by module '\(module)', which is not loaded", at: location,
                          hint: "add: loadmodule \"\(module).so\"")
        }
        let names = Array(pseudoVariables.keys) + Array(unloadedPseudoVariables.keys)
        return .error("unknown pseudo-variable '$\(name)'", at: location, hint: DidYouMean.hint(for: name, among: names, prefix: "$"))
    }

    private func compileTransformation(_ text: String, at location: SourceLocation) throws(Diagnostic) -> Transformation {
        let parts = splitParameters(text)
        let name = parts[0].trimmingBlanks
        guard let declaration = transformations[name] else {
            throw .error("unknown transformation '{\(name)}'", at: location,
                         hint: DidYouMean.hint(for: name, among: transformations.keys))
        }
        var parameters: [TransformationParameter] = []
        for p in parts.dropFirst() {
            if p.hasPrefix("$") {
                parameters.append(TransformationParameter(text: p, reference: try bindPseudoVariable(text: p, at: location)))
            } else {
                parameters.append(TransformationParameter(text: p, reference: nil))
            }
        }
        guard declaration.parameterCounts.contains(parameters.count) else {
            throw .error("transformation '{\(name)}' takes \(declaration.parameterCounts.lowerBound == declaration.parameterCounts.upperBound ? "\(declaration.parameterCounts.lowerBound)" : "\(declaration.parameterCounts.lowerBound) to \(declaration.parameterCounts.upperBound)") parameters, given \(parameters.count)", at: location)
        }
        return try declaration.compile(parameters, location)
    }

    /// Splits `name,p1,p2` at commas outside parentheses.
    private func splitParameters(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "(" || ch == "{" || ch == "[" { depth += 1 }
            if ch == ")" || ch == "}" || ch == "]" { depth -= 1 }
            if ch == ",", depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(ch)
        }
        parts.append(current)
        return parts
    }

    // MARK: - Formats

    /// Splits text with pseudo-variables into a FormatString. Reports the first bad or unknown
    /// pseudo-variable, at its position (counted from the opening quote at `location`).
    func compileFormat(_ text: String, at location: SourceLocation, quoted: Bool = true) throws(Diagnostic) -> FormatString {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "$")) else { return FormatString(constant: text) }
        var segments: [FormatString.Segment] = []
        var literal: [UInt8] = []
        var i = 0
        func position(_ offset: Int) -> SourceLocation {
            var l = location
            if l.line > 0 { l.column += offset + (quoted ? 1 : 0) }
            return l
        }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "$") else {
                literal.append(bytes[i])
                i += 1
                continue
            }
            let syntax: PseudoVariableSyntax
            let end: Int
            do {
                (syntax, end) = try PseudoVariableSyntax.parse(bytes, at: i, inFormat: true)
            } catch {
                throw .error("bad pseudo-variable in string: \(error.message)", at: position(i),
                             hint: "write $$ for a literal '$'")
            }
            if syntax.name == "$" {
                literal.append(UInt8(ascii: "$"))
                i = end
                continue
            }
            var bound: PseudoVariableReference
            var consumed = end
            do {
                bound = try bind(syntax, at: position(i))
            } catch {
                // `$fU.x`: a dotted name that is not known may be a shorter name followed by text.
                guard syntax.inner == nil, syntax.index == nil, let dot = syntax.name.firstIndex(of: "."),
                    pseudoVariables[String(syntax.name[..<dot])] != nil
                else { throw error }
                let shortName = String(syntax.name[..<dot])
                bound = try bind(PseudoVariableSyntax(name: shortName, inner: nil, index: nil, transformations: [], text: "$" + shortName), at: position(i))
                consumed = i + 1 + shortName.utf8.count
            }
            if !literal.isEmpty {
                segments.append(.text(String(decoding: literal, as: UTF8.self)))
                literal = []
            }
            segments.append(.value(bound))
            i = consumed
        }
        if !literal.isEmpty { segments.append(.text(String(decoding: literal, as: UTF8.self))) }
        return FormatString(source: text, segments: segments)
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
