/// One argument of a function call as written in the script, handed to the function's compile
/// closure (Kamailio's fixup). Constants can be read directly; anything else is evaluated per
/// message with `evaluateString` / `evaluateInt`.
public struct ScriptArgument {
    public var location: SourceLocation

    enum Storage {
        /// A string constant; `format` holds it split for pseudo-variables (nil for literals or
        /// when it holds none).
        case string(String, format: FormatString?)
        case int(Int)
        /// A bare word (flag name, route name, `UDP` ...).
        case word(String)
        case expression(CompiledExpression)
    }

    let storage: Storage
    let environment: CompileEnvironment
    /// For an argument written as a bare pseudo-variable (`f($var(x))`): its text.
    let pseudoVariableText: String?
    /// The format of a `.string` argument with pseudo-variables, outside the enum: matching
    /// `case .string(_, let format)` per message copies the format (retaining all it holds),
    /// while optional chaining on this field reads it in place.
    private let stringFormat: FormatString?

    init(location: SourceLocation, storage: Storage, environment: CompileEnvironment, pseudoVariableText: String? = nil) {
        self.location = location
        self.storage = storage
        self.environment = environment
        self.pseudoVariableText = pseudoVariableText
        if case .string(_, let format) = storage {
            stringFormat = format
        } else {
            stringFormat = nil
        }
    }

    /// The text of a constant argument (a string, a bare word, or a number as written in decimal).
    public var constantString: String? {
        switch storage {
        case .string(let s, let format):
            if let format, !format.isConstant { return nil }
            return s
        case .int(let i): return String(i)
        case .word(let w): return w
        case .expression(let e): return e.constant?.stringValue
        }
    }

    /// The value of a constant argument as an integer: a number, or a string holding one.
    public var constantInt: Int? {
        switch storage {
        case .int(let i): return i
        case .string(let s, let format):
            if let format, !format.isConstant { return nil }
            return Self.parseInteger(s)
        case .word: return nil
        case .expression(let e):
            guard let c = e.constant else { return nil }
            if case .int(let i) = c { return i }
            return Self.parseInteger(c.stringValue)
        }
    }

    /// The text exactly as written for string constants, `$` and all (no expansion).
    public var literalText: String? {
        switch storage {
        case .string(let s, _): return s
        case .word(let w): return w
        case .int(let i): return String(i)
        case .expression(let e): return e.constant?.stringValue
        }
    }

    /// True when the argument is the same for every message.
    public var isConstant: Bool { constantString != nil }

    /// The argument as text for this message: pseudo-variables in strings expanded, expressions
    /// evaluated. Nil when an expression evaluates to null.
    public func evaluateString(_ ctx: ScriptContext) -> String? {
        if let text = stringFormat?.evaluate(ctx) { return text }
        switch storage {
        case .string(let s, let format):
            guard let format else { return s }
            return format.evaluate(ctx)
        case .int(let i): return String(i)
        case .word(let w): return w
        case .expression(let e):
            let v = e.value(ctx)
            return v.isNull ? nil : v.stringValue
        }
    }

    /// The argument as an integer for this message; nil when it is not a number.
    public func evaluateInt(_ ctx: ScriptContext) -> Int? {
        if let text = stringFormat?.evaluate(ctx) { return Self.parseInteger(text) }
        switch storage {
        case .int(let i): return i
        case .string(let s, let format):
            return Self.parseInteger(format?.evaluate(ctx) ?? s)
        case .word: return nil
        case .expression(let e):
            let v = e.value(ctx)
            switch v {
            case .int(let i): return i
            case .string(let s): return Self.parseInteger(s)
            case .null: return nil
            }
        }
    }

    /// The argument's value for this message, typed.
    public func evaluate(_ ctx: ScriptContext) -> ScriptValue {
        if let text = stringFormat?.evaluate(ctx) { return .string(text) }
        switch storage {
        case .int(let i): return .int(i)
        case .string(let s, let format): return .string(format?.evaluate(ctx) ?? s)
        case .word(let w): return .string(w)
        case .expression(let e): return e.value(ctx)
        }
    }

    /// The argument compiled as a format string (for fixups that want to keep it).
    public func formatString() throws(Diagnostic) -> FormatString {
        switch storage {
        case .string(let s, let format):
            if let format { return format }
            return try environment.compileFormat(s, at: location)
        case .int(let i): return FormatString(constant: String(i))
        case .word(let w): return FormatString(constant: w)
        case .expression:
            throw .error("expected a string here, not an expression", at: location)
        }
    }

    /// The pseudo-variable named by a string argument (`"$var(result)"`), for functions that
    /// store a result. Throws when the argument is not a pseudo-variable or is read-only and
    /// `writable` is asked for.
    public func pseudoVariable(writable: Bool = true) throws(Diagnostic) -> PseudoVariableReference {
        guard let text = (pseudoVariableText ?? literalText)?.trimmingBlanks, text.hasPrefix("$") else {
            throw .error("expected a pseudo-variable such as \"$var(name)\"", at: location)
        }
        let pv = try environment.bindPseudoVariable(text: text, at: location)
        if writable, !pv.isWritable {
            throw .error("pseudo-variable '\(text)' is read-only", at: location)
        }
        return pv
    }

    /// Decimal (optionally signed) or 0x hex text as an integer.
    static func parseInteger(_ text: String) -> Int? {
        let t = text.trimmingBlanks
        if t.hasPrefix("-") { return Lexer.integerValue(of: String(t.dropFirst())).map { -$0 } }
        if t.hasPrefix("+") { return Lexer.integerValue(of: String(t.dropFirst())) }
        guard let first = t.utf8.first, isDigit(first) else { return nil }
        // Only plain decimal and hex count; a leading 0 is not octal here.
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return Lexer.integerValue(of: t) }
        return Int(t)
    }
}
