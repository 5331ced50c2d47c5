/// Function calls: `route(NAME)`, the expression built-ins (strlen, strempty, selval, defined)
/// and core/module functions, resolved by name and arity among what is in scope, checked
/// against the route types they may run in, and compiled through their declarations.
extension ScriptCompiler {
    static let builtinNames = ["route", "strlen", "strempty", "selval", "defined"]

    func compileCall(_ call: CallSyntax) throws(Diagnostic) -> CompiledExpression {
        switch call.name {
        case "route":
            return try compileRouteCall(call)
        case "strlen", "strempty", "defined":
            guard call.arguments.count == 1 else {
                throw .error("'\(call.name)' takes 1 argument, given \(call.arguments.count)", at: call.location)
            }
            let x = try compileExpression(call.arguments[0])
            switch call.name {
            case "strlen":
                let s = x.string
                return .ofInt { s($0).utf8.count }
            case "strempty":
                let s = x.string
                return .ofInt { s($0).isEmpty ? 1 : 0 }
            default:
                let d = x.isDefined
                return .ofInt { d($0) ? 1 : 0 }
            }
        case "selval":
            guard call.arguments.count == 3 else {
                throw .error("'selval' takes 3 arguments, given \(call.arguments.count)", at: call.location)
            }
            let c = try compileExpression(call.arguments[0])
            let a = try compileExpression(call.arguments[1])
            let b = try compileExpression(call.arguments[2])
            let cond = c.int, av = a.value, bv = b.value
            let type: CompiledExpression.ValueType = a.type == b.type ? a.type : .unknown
            return .ofValue(type) { cond($0) > 0 ? av($0) : bv($0) }
        default:
            return try compileFunctionCall(call)
        }
    }

    /// Wraps a call's raw result: `$rc` is set, 0 stops the script, and inside expressions the
    /// value is booleanised to 1/0 (spec §8.1–3).
    private func callExpression(_ raw: @escaping (ScriptContext) -> Int) -> CompiledExpression {
        CompiledExpression(
            type: .int, constant: nil,
            value: { .int(raw($0) > 0 ? 1 : 0) },
            int: { raw($0) > 0 ? 1 : 0 },
            call: raw, isCall: true, isDefined: { _ in true })
    }

    private func compileRouteCall(_ call: CallSyntax) throws(Diagnostic) -> CompiledExpression {
        guard call.arguments.count == 1 else {
            throw .error("route() takes one route name, given \(call.arguments.count) arguments", at: call.location)
        }
        let limits = self.limits
        let argument = call.arguments[0]
        if let name = RouteGraph.staticRouteName(argument) {
            guard let route = namedRoutes[name] else {
                throw .error("route '\(name)' is not defined", at: argument.location,
                             hint: DidYouMean.hint(for: name, among: namedRoutes.keys) ?? "define it with route[\(name)] { ... }")
            }
            return callExpression { ctx in callRoute(route, ctx, limits: limits) }
        }
        // route($var(x)): looked up by name when it runs.
        let nameExpression = try compileExpression(argument)
        let name = nameExpression.string
        let routes = namedRoutes
        let location = call.location
        return callExpression { ctx in
            let n = name(ctx)
            guard let route = routes[n] else {
                ctx.worker.logger.error("route '\(n)' not found (route() at \(location))")
                return -1
            }
            return callRoute(route, ctx, limits: limits)
        }
    }

    private func compileFunctionCall(_ call: CallSyntax) throws(Diagnostic) -> CompiledExpression {
        let declaration = try resolveFunction(call)
        try checkRouteTypes(declaration, call)
        var arguments: [ScriptArgument] = []
        for (i, a) in call.arguments.enumerated() {
            arguments.append(try makeArgument(a, kind: declaration.kind(ofArgument: i), index: i, function: call.name))
        }
        let compiled = try declaration.compile(arguments, call.location)
        return callExpression { ctx in
            let r = compiled(ctx)
            ctx.lastReturnCode = r
            if r == 0 { ctx.runFlags.insert(.exit) }
            return r
        }
    }

    func resolveFunction(_ call: CallSyntax) throws(Diagnostic) -> FunctionDeclaration {
        let n = call.arguments.count
        if let candidates = functions[call.name], !candidates.isEmpty {
            if let f = candidates.first(where: { $0.argumentCounts.contains(n) }) { return f }
            let lo = candidates.map(\.argumentCounts.lowerBound).min() ?? 0
            let hi = candidates.map(\.argumentCounts.upperBound).max() ?? 0
            let takes = FunctionDeclaration(name: call.name, argumentCounts: lo...hi, routeTypes: .any) { _, _ throws(Diagnostic) in { _ in 1 } }
            throw .error("function '\(call.name)' takes \(takes.arityDescription), given \(n)", at: call.location)
        }
        if let module = unloadedFunctionModules[call.name] {
            throw .error("function '\(call.name)' is exported by module '\(module)', which is not loaded", at: call.location,
                         hint: "add: loadmodule \"\(module).so\"")
        }
        let known = Array(functions.keys) + ScriptCompiler.builtinNames
        if let suggestion = DidYouMean.suggestion(for: call.name, among: known) {
            throw .error("unknown function '\(call.name)'", at: call.location, hint: "did you mean '\(suggestion)'?")
        }
        if let suggestion = DidYouMean.suggestion(for: call.name, among: unloadedFunctionModules.keys),
            let module = unloadedFunctionModules[suggestion]
        {
            throw .error("unknown function '\(call.name)'", at: call.location,
                         hint: "did you mean '\(suggestion)' (module '\(module)', not loaded)?")
        }
        throw .error("unknown function '\(call.name)'", at: call.location)
    }

    private func checkRouteTypes(_ f: FunctionDeclaration, _ call: CallSyntax) throws(Diagnostic) {
        guard !currentRouteTypes.isEmpty else { return }
        let allowed = f.routeTypes.effective
        let bad = currentRouteTypes.subtracting(allowed)
        guard !bad.isEmpty, let (badType, badName) = RouteTypes.names.first(where: { bad.contains($0.0) }) else { return }
        let hint = allowed.isEmpty ? nil : "'\(call.name)' can be used in: \(allowed)"
        if case .named(let name) = currentRouteKind {
            var notes: [Diagnostic] = []
            if let at = currentRouteCallers[badType] {
                notes.append(Diagnostic(.note, at: at, "route[\(name)] is called from \(badName) here"))
            }
            throw Diagnostic(.error, at: call.location,
                             "function '\(call.name)' cannot be used in \(badName) (route[\(name)] runs from there)",
                             hint: hint, notes: notes)
        }
        throw .error("function '\(call.name)' cannot be used in \(badName)", at: call.location, hint: hint)
    }

    private func makeArgument(_ e: Expression, kind: ArgumentKind, index: Int, function: String) throws(Diagnostic) -> ScriptArgument {
        let ordinal = "argument \(index + 1) of '\(function)'"
        func argument(_ storage: ScriptArgument.Storage, pv: String? = nil) -> ScriptArgument {
            ScriptArgument(location: e.location, storage: storage, environment: environment, pseudoVariableText: pv)
        }
        switch e {
        case .string(let s, let location):
            switch kind {
            case .format:
                let f = try environment.compileFormat(s, at: location)
                return argument(.string(s, format: f.isConstant ? nil : f))
            case .literal:
                return argument(.string(s, format: nil))
            case .integer:
                guard ScriptArgument.parseInteger(s) != nil else {
                    throw .error("\(ordinal) must be a number, not \"\(s)\"", at: location)
                }
                return argument(.string(s, format: nil))
            case .pseudoVariable:
                let text = s.trimmingBlanks
                guard text.hasPrefix("$") else {
                    throw .error("\(ordinal) must name a pseudo-variable, such as \"$var(result)\"", at: location)
                }
                let pv = try environment.bindPseudoVariable(text: text, at: location)
                if !pv.isWritable { throw .error("\(ordinal): pseudo-variable '\(text)' is read-only", at: location) }
                return argument(.string(s, format: nil))
            }
        case .int(let i, let location):
            if kind == .pseudoVariable {
                throw .error("\(ordinal) must name a pseudo-variable, such as \"$var(result)\"", at: location)
            }
            return argument(.int(ScriptValue.wrap(i)))
        case .identifier(let w, let location):
            if let bit = environment.flagNames[w] { return argument(.int(bit)) }
            if kind == .integer {
                throw .error("\(ordinal) must be a number; '\(w)' is not defined", at: location,
                             hint: "declare it with #!define \(w) N or flags \(w):N")
            }
            if kind == .pseudoVariable {
                throw .error("\(ordinal) must name a pseudo-variable, such as \"$var(result)\"", at: location)
            }
            return argument(.word(w))
        case .ipv4(let text, _), .ipv6(let text, _):
            return argument(.string(text, format: nil))
        case .pseudoVariable(let operand):
            let pv = try environment.bind(operand.syntax, at: operand.location)
            if kind == .pseudoVariable, !pv.isWritable {
                throw .error("\(ordinal): pseudo-variable '\(operand.syntax.text)' is read-only", at: operand.location)
            }
            return argument(.expression(.ofValue(.unknown, pv.getter)), pv: operand.syntax.text)
        default:
            if kind == .pseudoVariable {
                throw .error("\(ordinal) must name a pseudo-variable, such as \"$var(result)\"", at: e.location)
            }
            let x = try compileExpression(e)
            if kind == .integer, case .string(let s)? = x.constant, ScriptArgument.parseInteger(s) == nil {
                throw .error("\(ordinal) must be a number, not \"\(s)\"", at: e.location)
            }
            return argument(.expression(x))
        }
    }
}
