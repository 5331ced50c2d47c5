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
        for t in CoreTransformations.all { transformations[t.name.lowercased()] = t }
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
        transformations[transformation.name.lowercased()] = transformation
    }


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
        var viewer = accessors.view
        var assign = accessors.assign
        var isWritable = accessors.isWritable

        if let indexText = syntax.index {
            guard let indexed = accessors.getIndexed else {
                throw .error("'$\(syntax.name)' cannot be indexed", at: location)
            }
            let index = try compileIndex(indexText, syntax: syntax, at: location)
            let read: (ScriptContext) -> ScriptValue = { ctx in indexed(ctx, index(ctx)) }
            getter = read
            viewer = { ScriptValueView(read($0)) }
            if let setIndexed = accessors.setIndexed {
                assign = { ctx, value in setIndexed(ctx, index(ctx), value) }
            } else {
                isWritable = false
            }
        }
        var transformed = false
        if !syntax.transformations.isEmpty {
            var chain: [Transformation] = []
            for t in syntax.transformations {
                chain.append(try compileTransformation(t, at: location))
            }
            let base = getter
            let read: (ScriptContext) -> ScriptValue
            if chain.count == 1 {
                let only = chain[0]
                read = { ctx in only(ctx, base(ctx)) }
            } else {
                read = { ctx in
                    var v = base(ctx)
                    for t in chain {
                        v = t(ctx, v)
                        if v.isNull { return v }
                    }
                    return v
                }
            }
            getter = read
            viewer = { ScriptValueView(read($0)) }
            isWritable = false
            transformed = true
        }
        if !isWritable { assign = { _, _ in } }
        return PseudoVariableReference(text: syntax.text, location: location, getter: getter, viewer: viewer, assign: assign,
                                       isWritable: isWritable, nullPrintsEmpty: transformed)
    }

    /// `[n]`, `[-n]`, `[*]` or `[$pv]`, resolved once.
    private func compileIndex(_ indexText: String, syntax: PseudoVariableSyntax,
                              at location: SourceLocation) throws(Diagnostic) -> (ScriptContext) -> PseudoVariableIndex {
        let trimmed = indexText.trimmingBlanks
        if trimmed == "*" { return { _ in .all } }
        if let n = Lexer.integerValue(of: trimmed) { return { _ in .position(n) } }
        if trimmed.hasPrefix("-"), let n = Lexer.integerValue(of: String(trimmed.dropFirst())) { return { _ in .position(-n) } }
        if trimmed.hasPrefix("$") {
            let dynamic = try bindPseudoVariable(text: trimmed, at: location)
            return { ctx in .position(dynamic.get(ctx).intValue) }
        }
        throw .error("bad index '[\(indexText)]' in '\(syntax.text)'", at: location, hint: "use [n], [-n], [*] or [$var(i)]")
    }

    func unknownPseudoVariable(_ name: String, at location: SourceLocation) -> Diagnostic {
        if let module = unloadedPseudoVariables[name] {
            return .error("pseudo-variable '$\(name)' is exported by module '\(module)', which is not loaded", at: location,
                          hint: "add: loadmodule \"\(module).so\"")
        }
        let names = Array(pseudoVariables.keys) + Array(unloadedPseudoVariables.keys)
        return .error("unknown pseudo-variable '$\(name)'", at: location, hint: DidYouMean.hint(for: name, among: names, prefix: "$"))
    }

    /// Compiles `class.name[,p1[,p2]]` the way Kamailio reads it: names ignore case; a
    /// parameter is a pseudo-variable (`$var(n)`, `$(...)`) or text up to the next comma;
    /// a declaration may take its last parameter as one character, which may be a comma
    /// (`{s.select,1,,}`).
    private func compileTransformation(_ text: String, at location: SourceLocation) throws(Diagnostic) -> Transformation {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count, bytes[i] != UInt8(ascii: ",") { i += 1 }
        let name = String(decoding: bytes[0..<i], as: UTF8.self).trimmingBlanks
        guard let declaration = transformations[name.lowercased()] else {
            throw .error("unknown transformation '{\(name)}'", at: location,
                         hint: DidYouMean.hint(for: name, among: transformations.keys))
        }
        var parameters: [TransformationParameter] = []
        while i < bytes.count {
            i += 1   // the comma
            var start = i
            while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            let isLast = parameters.count + 1 == declaration.parameterCounts.upperBound
            if isLast, declaration.lastParameterIsCharacter, start < bytes.count, bytes[start] != UInt8(ascii: "$") {
                // A comma here is the character itself (`{s.select,1,,}`); other text is
                // taken whole and the transformation decides what it accepts.
                var end = bytes.count
                if bytes[start] == UInt8(ascii: ",") {
                    end = start + 1
                    guard end == bytes.count else {
                        throw .error("transformation '{\(name)}' takes one character as its last parameter, not '\(String(decoding: bytes[start...], as: UTF8.self))'", at: location)
                    }
                }
                parameters.append(TransformationParameter(text: String(decoding: bytes[start..<end], as: UTF8.self), reference: nil))
                break
            }
            if start < bytes.count, bytes[start] == UInt8(ascii: "$") {
                guard let end = PseudoVariableSyntax.tokenEnd(in: bytes, at: start, inFormat: false) else {
                    throw .error("bad pseudo-variable in the parameters of '{\(name)}'", at: location)
                }
                let pvText = String(decoding: bytes[start..<end], as: UTF8.self)
                parameters.append(TransformationParameter(text: pvText, reference: try bindPseudoVariable(text: pvText, at: location)))
                i = end
                while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
                if i < bytes.count, bytes[i] != UInt8(ascii: ",") {
                    throw .error("unexpected text after '\(pvText)' in '{\(text)}'", at: location)
                }
                continue
            }
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
            parameters.append(TransformationParameter(text: String(decoding: bytes[start..<end], as: UTF8.self), reference: nil))
            i = end
        }
        guard declaration.parameterCounts.contains(parameters.count) else {
            let counts = declaration.parameterCounts
            let takes = counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
            throw .error("transformation '{\(declaration.name)}' takes \(takes) parameter\(counts.upperBound == 1 ? "" : "s"), given \(parameters.count)", at: location)
        }
        return try declaration.compile(parameters, location)
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
