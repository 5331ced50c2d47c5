/// Statements to actions, with Kamailio's control-flow rules (spec §2.7): the value of a block
/// is that of its last action; `return` leaves the route, `exit`/`drop` the script, `break` the
/// innermost while/switch; a value of 0 from a function or `return 0` stops the script.
extension ScriptCompiler {
    func compileStatements(_ statements: [Statement]) -> [ActionStep] {
        var actions: [ActionStep] = []
        actions.reserveCapacity(statements.count)
        for s in statements {
            if let a = compileStatement(s) { actions.append(a) }
        }
        return actions
    }

    private func compileStatement(_ s: Statement) -> ActionStep? {
        switch s {
        case .invalid:
            return nil
        case .call(let call):
            do {
                return ActionStep(try compileCallStatement(call))
            } catch {
                report(error)
                return nil
            }
        case .assignment(let target, let value, _):
            return compileAssignment(target, value)
        case .ifElse(let condition, let then, let otherwise, _):
            return ActionStep(compileIf(condition, then, otherwise))
        case .whileLoop(let condition, let body, let location):
            return ActionStep(compileWhile(condition, body, location))
        case .switchStatement(let subject, let cases, let location):
            return compileSwitch(subject, cases, location)
        case .returnStatement(let value, _):
            return compileStop(value, defaultValue: 1, flags: .return)
        case .exitStatement(let value, _):
            return compileStop(value, defaultValue: 1, flags: .exit)
        case .dropStatement(let value, _):
            return compileStop(value, defaultValue: 0, flags: [.drop, .exit])
        case .breakStatement:
            return ActionStep { ctx in
                ctx.runFlags.insert(.break)
                return 0
            }
        case .block(let body, let location):
            report(.error("a block must follow 'if', 'else' or 'while'", at: location, hint: "remove the braces"))
            _ = compileStatements(body)
            return nil
        }
    }

    private func compileCallStatement(_ call: CallSyntax) throws(Diagnostic) -> Action {
        let e = try compileCall(call)
        // As a statement a call keeps its raw value (and sets $rc and the exit flag itself).
        if e.isCall { return e.call }
        let int = e.int
        return { ctx in int(ctx) }
    }

    private func compileAssignment(_ target: PVOperand, _ valueSyntax: Expression) -> ActionStep? {
        var pv: PseudoVariableReference?
        do throws(Diagnostic) {
            let bound = try environment.bind(target.syntax, at: target.location)
            if bound.isWritable {
                pv = bound
            } else {
                report(.error("pseudo-variable '\(target.syntax.text)' is read-only", at: target.location))
            }
        } catch {
            report(error)
        }
        let value: CompiledExpression
        do {
            value = try compileExpression(valueSyntax)
        } catch {
            report(error)
            return nil
        }
        guard let pv, pv.isWritable else { return nil }
        let set = pv.assign
        if value.isCall {
            // `$var(x) = f();` stores f's raw return value.
            let raw = value.call
            return ActionStep { ctx in
                set(ctx, .int(raw(ctx)))
                return 1
            }
        }
        if let c = value.constant {
            return ActionStep { ctx in
                set(ctx, c)
                return 1
            }
        }
        let get = value.value
        return ActionStep { ctx in
            set(ctx, get(ctx))
            return 1
        }
    }

    /// A condition compiled to its int form; errors are reported and the condition reads false.
    private func compileCondition(_ e: Expression) -> (ScriptContext) -> Int {
        do {
            return try compileExpression(e).int
        } catch {
            report(error)
            return { _ in 0 }
        }
    }

    private func compileIf(_ condition: Expression, _ thenSyntax: [Statement], _ otherwiseSyntax: [Statement]?) -> Action {
        let cond = compileCondition(condition)
        let then = compileStatements(thenSyntax)
        let otherwise = otherwiseSyntax.map { compileStatements($0) }
        if let otherwise {
            return { ctx in
                let v = cond(ctx)
                if ctx.runFlags.contains(.exit) { return 0 }
                ctx.runFlags.subtract([.return, .break])
                return v > 0 ? runActions(then, ctx) : runActions(otherwise, ctx)
            }
        }
        return { ctx in
            let v = cond(ctx)
            if ctx.runFlags.contains(.exit) { return 0 }
            ctx.runFlags.subtract([.return, .break])
            return v > 0 ? runActions(then, ctx) : 1
        }
    }

    private func compileWhile(_ condition: Expression, _ bodySyntax: [Statement], _ location: SourceLocation) -> Action {
        let cond = compileCondition(condition)
        let body = compileStatements(bodySyntax)
        let maxLoops = limits.maxWhileLoops
        return { ctx in
            var ret = 1
            var count = 0
            var flags: RunFlags = []
            while flags.isDisjoint(with: RunFlags.stopsBlock) {
                // Like Kamailio, any non-zero condition keeps the loop going.
                if cond(ctx) == 0 { break }
                if maxLoops > 0 {
                    count += 1
                    if count > maxLoops {
                        ctx.worker.logger.error("runaway while at \(location): more than \(maxLoops) loops, loop aborted")
                        return -1
                    }
                }
                ret = runActions(body, ctx)
                flags.formUnion(ctx.runFlags)
                ctx.runFlags.remove(.break)
            }
            return ret
        }
    }

    private func compileStop(_ value: Expression?, defaultValue: Int, flags: RunFlags) -> ActionStep? {
        var valueInt: ((ScriptContext) -> Int)?
        if let value {
            do {
                let e = try compileExpression(value)
                if let c = e.constant {
                    let i = c.intValue
                    valueInt = { _ in i }
                } else {
                    valueInt = e.int
                }
            } catch {
                report(error)
                return nil
            }
        }
        let isReturn = flags.contains(.return)
        if let valueInt {
            return ActionStep { ctx in
                let v = valueInt(ctx)
                ctx.runFlags.formUnion(flags)
                // `return 0` stops the whole script, like exit.
                if v == 0, isReturn { ctx.runFlags.insert(.exit) }
                return v
            }
        }
        let v = defaultValue
        return ActionStep { ctx in
            ctx.runFlags.formUnion(flags)
            return v
        }
    }

    // MARK: - switch

    private func compileSwitch(_ subjectSyntax: Expression, _ cases: [SwitchCase], _ location: SourceLocation) -> ActionStep? {
        var subject: CompiledExpression?
        do {
            subject = try compileExpression(subjectSyntax)
        } catch {
            report(error)
        }
        // All case bodies in source order; each label starts somewhere in this list and runs on
        // into the following cases until a break (C fall-through).
        var actions: [ActionStep] = []
        var intStarts: [(Int, Int)] = []
        var stringStarts: [(String, Int)] = []
        var regexStarts: [(POSIXRegex, Int)] = []
        var defaultStart: Int?
        var labelType: String?
        var ok = true
        for c in cases {
            let start = actions.count
            switch c.label {
            case .default:
                if defaultStart != nil {
                    report(.error("a switch can have only one 'default'", at: c.location))
                    ok = false
                }
                defaultStart = start
            case .int(let i):
                if labelType == "string" {
                    report(.error("case labels mix numbers and strings", at: c.location))
                    ok = false
                }
                labelType = "int"
                if intStarts.contains(where: { $0.0 == i }) {
                    report(.error("duplicate case \(i)", at: c.location))
                    ok = false
                }
                intStarts.append((ScriptValue.wrap(i), start))
            case .string(let s):
                if labelType == "int" {
                    report(.error("case labels mix numbers and strings", at: c.location))
                    ok = false
                }
                labelType = "string"
                stringStarts.append((s, start))
            case .regex(let pattern):
                if labelType == "int" {
                    report(.error("case labels mix numbers and strings", at: c.location))
                    ok = false
                }
                labelType = "string"
                do {
                    // Regex case labels match case-sensitively (spec §9).
                    regexStarts.append((try POSIXRegex(pattern, caseInsensitive: false), start))
                } catch {
                    report(.error("bad regular expression '\(pattern)': \(error.message)", at: c.location))
                    ok = false
                }
            }
            actions.append(contentsOf: compileStatements(c.body))
        }
        guard ok, let subject else { return nil }
        let body = actions

        func run(from start: Int?, _ ctx: ScriptContext) -> Int {
            guard let start else { return 1 }
            let ret = start < body.count ? runActions(body, from: start, ctx) : 1
            ctx.runFlags.remove(.break)
            return ret
        }

        if labelType == "string" {
            let value = subject.value
            let strings = stringStarts
            let regexes = regexStarts
            // Labels are tried in source order: strings, then regexes, then default.
            var order: [(Int, Int)] = []  // (kind 0=string/1=regex, index)
            var si = 0, ri = 0
            for c in cases {
                switch c.label {
                case .string: order.append((0, si)); si += 1
                case .regex: order.append((1, ri)); ri += 1
                default: break
                }
            }
            return ActionStep { ctx in
                let v = value(ctx)
                if ctx.runFlags.contains(.exit) { return 0 }
                ctx.runFlags.subtract([.return, .break])
                let s = v.stringValue
                for (kind, index) in order {
                    if kind == 0 {
                        if strings[index].0 == s { return run(from: strings[index].1, ctx) }
                    } else if regexes[index].0.matches(s) {
                        return run(from: regexes[index].1, ctx)
                    }
                }
                return run(from: defaultStart, ctx)
            }
        }
        let int = subject.int
        let ints = intStarts
        return ActionStep { ctx in
            let v = int(ctx)
            if ctx.runFlags.contains(.exit) { return 0 }
            ctx.runFlags.subtract([.return, .break])
            for (label, start) in ints where label == v {
                return run(from: start, ctx)
            }
            return run(from: defaultStart, ctx)
        }
    }
}
