/// Expressions to closures, with Kamailio's typing (spec §2.8): the left operand decides
/// between int and string for `+` and `==`; `> <` compare ints; strings convert to int by the
/// rules of ScriptValue.intValue; constants of mismatched types are load-time errors.
extension ScriptCompiler {
    func compileExpression(_ e: Expression) throws(Diagnostic) -> CompiledExpression {
        switch e {
        case .invalid(let location):
            throw .error("invalid expression", at: location)
        case .int(let i, _):
            return .constant(.int(ScriptValue.wrap(i)))
        case .string(let s, _):
            return .constant(.string(s))
        case .ipv4(let text, _), .ipv6(let text, _):
            return .constant(.string(text))
        case .pseudoVariable(let operand):
            let pv = try environment.bind(operand.syntax, at: operand.location)
            if operand.syntax.name == "null" { return .constant(.null) }
            return .ofPseudoVariable(pv)
        case .identifier(let name, let location):
            return .constant(try identifierValue(name, at: location))
        case .keyword(let k, let location):
            throw .error("'\(k.rawValue)' can only be compared (for example \(k.rawValue) == ...)", at: location)
        case .myself(let location):
            throw .error("'myself' can only be compared with uri, from_uri, to_uri, src_ip or dst_ip", at: location)
        case .call(let call):
            return try compileCall(call)
        case .cast(let type, let inner, _):
            let x = try compileExpression(inner)
            if type == .int {
                if let c = x.constant { return .constant(.int(c.intValue)) }
                return .ofInt(x.int)
            }
            if let c = x.constant { return .constant(.string(c.stringValue)) }
            return .ofString(x.string)
        case .unary(let op, let inner, _):
            return try compileUnary(op, inner)
        case .binary(let op, let lhs, let rhs, let location):
            return try compileBinary(op, lhs, rhs, at: location)
        }
    }

    /// A bare word used as a value: a declared flag, yes/no, an address family.
    func identifierValue(_ name: String, at location: SourceLocation) throws(Diagnostic) -> ScriptValue {
        if let bit = environment.flagNames[name] { return .int(bit) }
        switch name {
        case "INET", "inet", "ipv4", "IPv4", "IPV4": return .int(2)
        case "INET6", "inet6", "ipv6", "IPv6", "IPV6": return .int(10)
        default: break
        }
        var hint = "quote it for a string, or #!define it"
        if namedRoutes[name] != nil { hint = "to call the route write route(\(name))" }
        throw .error("unknown name '\(name)'", at: location, hint: hint)
    }

    private func compileUnary(_ op: UnaryOperator, _ inner: Expression) throws(Diagnostic) -> CompiledExpression {
        let x = try compileExpression(inner)
        switch op {
        case .not:
            if let c = x.constant { return .constant(.int(c.intValue == 0 ? 1 : 0)) }
            let f = x.int
            return .ofInt { f($0) == 0 ? 1 : 0 }
        case .bitNot:
            if let c = x.constant { return .constant(.int(ScriptValue.wrap(~c.intValue))) }
            let f = x.int
            return .ofInt { ScriptValue.wrap(~f($0)) }
        case .negate:
            if let c = x.constant { return .constant(.int(ScriptValue.wrap(0 &- c.intValue))) }
            let f = x.int
            return .ofInt { ScriptValue.wrap(0 &- f($0)) }
        case .defined:
            if let c = x.constant { return .constant(.int(c.isNull ? 0 : 1)) }
            let d = x.isDefined
            return .ofInt { d($0) ? 1 : 0 }
        }
    }

    private func isNullLiteral(_ e: Expression) -> Bool {
        if case .pseudoVariable(let p) = e, p.syntax.name == "null", p.syntax.inner == nil, p.syntax.transformations.isEmpty {
            return true
        }
        return false
    }

    private func isKeywordOperand(_ e: Expression) -> Bool {
        switch e {
        case .keyword, .myself: return true
        default: return false
        }
    }

    private func compileBinary(_ op: BinaryOperator, _ lhsSyntax: Expression, _ rhsSyntax: Expression,
                               at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        // Conditions on message properties: method == "INVITE", uri == myself, src_ip == 10.0.0.0/8 ...
        if isKeywordOperand(lhsSyntax) || isKeywordOperand(rhsSyntax) {
            return try compileKeywordCondition(op, lhsSyntax, rhsSyntax, at: location)
        }
        // X == $null is "X is not defined" (spec §2.8); only a $null on the right is rewritten.
        if op == .equal || op == .notEqual {
            let wantDefined = op == .notEqual
            if isNullLiteral(rhsSyntax) {
                let x = try compileExpression(lhsSyntax)
                if let c = x.constant { return .constant(.int((c.isNull != wantDefined) ? 1 : 0)) }
                let d = x.isDefined
                return wantDefined ? .ofInt { d($0) ? 1 : 0 } : .ofInt { d($0) ? 0 : 1 }
            }
        }
        let lhs = try compileExpression(lhsSyntax)
        let rhs = try compileExpression(rhsSyntax)
        switch op {
        // Inside an expression any non-zero operand is true (Kamailio evaluates && and || as C
        // does); function results were already booleanised, and `if` itself still needs > 0.
        case .logicalOr:
            let a = lhs.int, b = rhs.int
            if let c = lhs.constant, let d = rhs.constant { return .constant(.int((c.intValue != 0 || d.intValue != 0) ? 1 : 0)) }
            return .ofInt { (a($0) != 0 || b($0) != 0) ? 1 : 0 }
        case .logicalAnd:
            let a = lhs.int, b = rhs.int
            if let c = lhs.constant, let d = rhs.constant { return .constant(.int((c.intValue != 0 && d.intValue != 0) ? 1 : 0)) }
            return .ofInt { (a($0) != 0 && b($0) != 0) ? 1 : 0 }
        case .bitOr, .bitAnd, .bitXor, .shiftLeft, .shiftRight, .minus, .multiply, .divide, .modulo:
            return try compileIntArithmetic(op, lhs, rhs, lhsSyntax, rhsSyntax, at: location)
        case .plus:
            return try compilePlus(lhs, rhs, lhsSyntax, rhsSyntax, at: location)
        case .greater, .less, .greaterEqual, .lessEqual:
            for (x, s) in [(lhs, lhsSyntax), (rhs, rhsSyntax)] {
                if case .string? = x.constant {
                    throw .error("type mismatch: '\(op.rawValue)' compares numbers, not the string \(describe(s))", at: s.location)
                }
            }
            let a = lhs.int, b = rhs.int
            let compare: (Int, Int) -> Bool
            switch op {
            case .greater: compare = (>)
            case .less: compare = (<)
            case .greaterEqual: compare = (>=)
            default: compare = (<=)
            }
            if let c = lhs.constant, let d = rhs.constant { return .constant(.int(compare(c.intValue, d.intValue) ? 1 : 0)) }
            return .ofInt { compare(a($0), b($0)) ? 1 : 0 }
        case .equal, .notEqual:
            return try compileEquality(negated: op == .notEqual, lhs, rhs, lhsSyntax, rhsSyntax)
        case .stringEqual, .stringNotEqual:
            let a = lhs.string, b = rhs.string
            let negated = op == .stringNotEqual
            return .ofInt { ((a($0) == b($0)) != negated) ? 1 : 0 }
        case .intEqual, .intNotEqual:
            for (x, s) in [(lhs, lhsSyntax), (rhs, rhsSyntax)] {
                if case .string? = x.constant {
                    throw .error("type mismatch: '\(op.rawValue)' compares numbers, not the string \(describe(s))", at: s.location)
                }
            }
            let a = lhs.int, b = rhs.int
            let negated = op == .intNotEqual
            return .ofInt { ((a($0) == b($0)) != negated) ? 1 : 0 }
        case .match:
            return try compileMatch(lhs, rhs, rhsSyntax)
        }
    }

    private func describe(_ e: Expression) -> String {
        switch e {
        case .string(let s, _): return "\"\(s)\""
        case .int(let i, _): return String(i)
        default: return "value"
        }
    }

    private func compileIntArithmetic(_ op: BinaryOperator, _ lhs: CompiledExpression, _ rhs: CompiledExpression,
                                      _ lhsSyntax: Expression, _ rhsSyntax: Expression,
                                      at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        for (x, s) in [(lhs, lhsSyntax), (rhs, rhsSyntax)] {
            if case .string? = x.constant {
                throw .error("type mismatch: '\(op.rawValue)' works on numbers, not the string \(describe(s))", at: s.location)
            }
        }
        if op == .divide || op == .modulo, let d = rhs.constant, d.intValue == 0 {
            throw .error("division by zero", at: location)
        }
        let f: (Int, Int) -> Int
        switch op {
        case .bitOr: f = { $0 | $1 }
        case .bitAnd: f = { $0 & $1 }
        case .bitXor: f = { $0 ^ $1 }
        // Shifts work on 32-bit ints with the count taken modulo 32, as the C code does.
        case .shiftLeft: f = { a, b in Int(Int32(truncatingIfNeeded: a) << Int32(b & 31)) }
        case .shiftRight: f = { a, b in Int(Int32(truncatingIfNeeded: a) >> Int32(b & 31)) }
        case .minus: f = { ScriptValue.wrap($0 &- $1) }
        case .multiply: f = { ScriptValue.wrap($0 &* $1) }
        case .divide: f = { a, b in b == 0 ? 0 : ScriptValue.wrap(a / b) }
        default: f = { a, b in b == 0 ? 0 : ScriptValue.wrap(a % b) }
        }
        if let c = lhs.constant, let d = rhs.constant { return .constant(.int(f(c.intValue, d.intValue))) }
        let a = lhs.int, b = rhs.int
        if op == .divide || op == .modulo {
            return .ofInt { ctx in
                let y = b(ctx)
                if y == 0 {
                    ctx.worker.logger.error("division by zero at \(location)")
                    return 0
                }
                return f(a(ctx), y)
            }
        }
        return .ofInt { f(a($0), b($0)) }
    }

    /// `+`: int addition when the left operand is an int, string concatenation otherwise.
    private func compilePlus(_ lhs: CompiledExpression, _ rhs: CompiledExpression, _ lhsSyntax: Expression,
                             _ rhsSyntax: Expression, at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        if case .int? = lhs.constant, case .string? = rhs.constant {
            throw .error("type mismatch: a number plus the string \(describe(rhsSyntax))", at: rhsSyntax.location,
                         hint: "to join text, start with the string; to add, use a number")
        }
        if let c = lhs.constant, let d = rhs.constant {
            if case .int(let a) = c { return .constant(.int(ScriptValue.wrap(a &+ d.intValue))) }
            return .constant(.string(c.stringValue + d.stringValue))
        }
        switch lhs.type {
        case .int:
            let a = lhs.int, b = rhs.int
            return .ofInt { ScriptValue.wrap(a($0) &+ b($0)) }
        case .string:
            let a = lhs.string, b = rhs.string
            return .ofString { a($0) + b($0) }
        case .unknown:
            let a = lhs.value, b = rhs.value
            return .ofValue(.unknown) { ctx in
                switch a(ctx) {
                case .int(let x): return .int(ScriptValue.wrap(x &+ b(ctx).intValue))
                case .string(let x): return .string(x + b(ctx).stringValue)
                case .null: return .string(b(ctx).stringValue)
                }
            }
        }
    }

    /// `==` / `!=`: int comparison when the left operand is an int, byte-exact string comparison
    /// when it is a string; an undefined left operand takes the right one's type.
    private func compileEquality(negated: Bool, _ lhs: CompiledExpression, _ rhs: CompiledExpression,
                                 _ lhsSyntax: Expression, _ rhsSyntax: Expression) throws(Diagnostic) -> CompiledExpression {
        if let c = lhs.constant, let d = rhs.constant {
            switch (c, d) {
            case (.int, .string), (.string, .int):
                throw .error("type mismatch: comparing \(describe(lhsSyntax)) with \(describe(rhsSyntax))", at: rhsSyntax.location)
            default:
                let equal = c.isNull || d.isNull ? c == d : (c.intValueIfInt != nil ? c.intValue == d.intValue : c.stringValue == d.stringValue)
                return .constant(.int(equal != negated ? 1 : 0))
            }
        }
        // An int compared with the constant "" fails to convert it: the comparison is false
        // both as == and as != (Kamailio 5.6 does this).
        let rhsIsEmptyString = rhs.constant == .string("")
        switch lhs.type {
        case .int:
            if rhsIsEmptyString {
                let a = lhs.int
                return .ofInt { _ = a($0); return 0 }
            }
            let a = lhs.int, b = rhs.int
            return negated ? .ofInt { a($0) != b($0) ? 1 : 0 } : .ofInt { a($0) == b($0) ? 1 : 0 }
        case .string:
            let a = lhs.string
            if case .string(let constant)? = rhs.constant {
                return negated ? .ofInt { a($0) != constant ? 1 : 0 } : .ofInt { a($0) == constant ? 1 : 0 }
            }
            let b = rhs.string
            return negated ? .ofInt { a($0) != b($0) ? 1 : 0 } : .ofInt { a($0) == b($0) ? 1 : 0 }
        case .unknown:
            let a = lhs.value, b = rhs.value
            if let constant = rhs.constant, lhs.readsInPlace {
                let view = lhs.view
                // A pseudo-variable against a constant: compared where the value lives.
                let ci = constant.intValue
                let cs = Array(constant.stringValue.utf8)
                let nullEqual: Bool
                switch constant {
                case .int(let y): nullEqual = y == 0
                case .string(let y): nullEqual = y.isEmpty
                case .null: nullEqual = true
                }
                return .ofInt { ctx in
                    let equal: Bool
                    switch view(ctx) {
                    case .int where rhsIsEmptyString: return 0
                    case .int(let x): equal = x == ci
                    case .null: equal = nullEqual
                    case let v: equal = cs.withUnsafeBufferPointer { v.equals($0) }
                    }
                    return equal != negated ? 1 : 0
                }
            }
            if let constant = rhs.constant {
                // The right side is fixed: compare without re-evaluating it.
                let ci = constant.intValue
                let cs = constant.stringValue
                return .ofInt { ctx in
                    let equal: Bool
                    switch a(ctx) {
                    case .int where rhsIsEmptyString: return 0
                    case .int(let x): equal = x == ci
                    case .string(let x): equal = x == cs
                    case .null:
                        switch constant {
                        case .int(let y): equal = y == 0
                        case .string(let y): equal = y.isEmpty
                        case .null: equal = true
                        }
                    }
                    return equal != negated ? 1 : 0
                }
            }
            return .ofInt { ctx in
                let equal: Bool
                switch (a(ctx), b(ctx)) {
                case (.int(let x), let y): equal = x == y.intValue
                case (.string(let x), let y): equal = x == y.stringValue
                case (.null, .int(let y)): equal = y == 0
                case (.null, .string(let y)): equal = y.isEmpty
                case (.null, .null): equal = true
                }
                return equal != negated ? 1 : 0
            }
        }
    }

    /// `=~`: POSIX extended regex, case-insensitive, matching anywhere in the text.
    private func compileMatch(_ lhs: CompiledExpression, _ rhs: CompiledExpression,
                              _ rhsSyntax: Expression) throws(Diagnostic) -> CompiledExpression {
        let text = lhs.string
        if let c = rhs.constant {
            let regex = try compileRegex(c.stringValue, at: rhsSyntax.location)
            if lhs.readsInPlace {
                let view = lhs.view
                return .ofInt { ctx in view(ctx).withUTF8 { regex.matches(bytes: $0) } ? 1 : 0 }
            }
            return .ofInt { regex.matches(text($0)) ? 1 : 0 }
        }
        let pattern = rhs.string
        return .ofInt { ctx in
            let p = pattern(ctx)
            guard let regex = try? POSIXRegex(p, caseInsensitive: true, foldCase: false) else {
                ctx.worker.logger.error("bad regular expression '\(p)' at \(rhsSyntax.location)")
                return 0
            }
            return regex.matches(text(ctx)) ? 1 : 0
        }
    }

    func compileRegex(_ pattern: String, at location: SourceLocation, caseInsensitive: Bool = true) throws(Diagnostic) -> POSIXRegex {
        do {
            return try POSIXRegex(pattern, caseInsensitive: caseInsensitive)
        } catch {
            throw .error("bad regular expression '\(pattern)': \(error.message)", at: location)
        }
    }
}

extension ScriptValue {
    var intValueIfInt: Int? {
        if case .int(let i) = self { return i }
        return nil
    }
}
