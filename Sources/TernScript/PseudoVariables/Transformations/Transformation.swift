/// A transformation applied to a pseudo-variable's value: `$(rU{s.len})`,
/// `$(var(x){s.substr,1,2})`. Declared like functions; modules may add their own classes.
/// A transformation that fails (bad input, parameter out of range) yields null, which ends
/// the chain; formats print it as nothing (spec §3.4).
public struct TransformationDeclaration: Sendable {
    /// Full name with its class: `s.len`, `uri.user`. Matched without regard to case.
    public var name: String
    public var parameterCounts: ClosedRange<Int>
    /// The last parameter is one character taken as written, comma included
    /// (`{s.select,1,,}`, `{param.count,,}`); `\n`, `\r`, `\t`, `\\` are escapes.
    public var lastParameterIsCharacter: Bool
    public var compile: @Sendable (_ parameters: [TransformationParameter], _ at: SourceLocation) throws(Diagnostic) -> Transformation

    public init(
        name: String, parameterCounts: ClosedRange<Int> = 0...0, lastParameterIsCharacter: Bool = false,
        compile: @escaping @Sendable (_ parameters: [TransformationParameter], _ at: SourceLocation) throws(Diagnostic) -> Transformation
    ) {
        self.name = name
        self.parameterCounts = parameterCounts
        self.lastParameterIsCharacter = lastParameterIsCharacter
        self.compile = compile
    }
}

/// A compiled transformation: input value to output value (null when it fails).
public typealias Transformation = (ScriptContext, ScriptValue) -> ScriptValue

/// One parameter of a transformation as written: a literal or a pseudo-variable.
public struct TransformationParameter {
    public let text: String
    let reference: PseudoVariableReference?
    /// The literal as an integer, when it is one; parsed once, not per message.
    public let constantInt: Int?

    init(text: String, reference: PseudoVariableReference?) {
        self.text = text
        self.reference = reference
        self.constantInt = reference == nil ? TransformationParameter.integer(text) : nil
    }

    public var isConstant: Bool { reference == nil }

    public func evaluate(_ ctx: ScriptContext) -> ScriptValue {
        reference?.get(ctx) ?? .string(text)
    }

    /// The parameter as a number for this message: a literal number, or a pseudo-variable
    /// holding an int (Kamailio refuses a string value here, even "12"). Nil when it is not.
    public func int(_ ctx: ScriptContext) -> Int? {
        guard let reference else { return constantInt }
        if case .int(let i) = reference.get(ctx) { return i }
        return nil
    }

    /// The parameter as text for this message; nil when a pseudo-variable reads as null or
    /// as an empty string (Kamailio treats both as a failure).
    public func string(_ ctx: ScriptContext) -> String? {
        guard let reference else { return text }
        let v = reference.get(ctx)
        switch v {
        case .null: return nil
        case .int(let i): return String(i)
        case .string(let s): return s.isEmpty ? nil : s
        }
    }

    /// `+n`, `-n`, `n` with blanks allowed after the sign, as Kamailio's number parameters.
    static func integer(_ text: String) -> Int? {
        var t = Substring(text.trimmingBlanks)
        var sign = 1
        if t.first == "-" { sign = -1; t = t.dropFirst() } else if t.first == "+" { t = t.dropFirst() }
        t = t.drop { $0 == " " || $0 == "\t" }
        guard !t.isEmpty, t.utf8.allSatisfy({ isDigit($0) }), let n = Int(t) else { return nil }
        return sign * n
    }

    /// A parameter that must be a literal number (checked when the script is loaded).
    func requireInt(_ transformation: String, at location: SourceLocation) throws(Diagnostic) {
        if reference == nil, constantInt == nil {
            throw .error("'{\(transformation)}' expects a number, not '\(text)'", at: location)
        }
    }
}

/// The transformation classes TernScript itself provides (spec §3.4): s., uri., param.,
/// nameaddr., tobody., line. Module classes (msrpuri., url. …) come from module declarations.
enum CoreTransformations {
    static let all: [TransformationDeclaration] =
        StringTransformations.all + URITransformations.all + ParamTransformations.all
        + NameAddrTransformations.all + ToBodyTransformations.all + LineTransformations.all

    /// A transformation without parameters whose body sees the non-null input.
    static func simple(_ name: String, _ body: @escaping @Sendable (ScriptValue) -> ScriptValue) -> TransformationDeclaration {
        TransformationDeclaration(name: name) { _, _ throws(Diagnostic) in
            { _, v in v.isNull ? .null : body(v) }
        }
    }

    /// Like `simple`, on the value's text as bytes.
    static func bytes(_ name: String, _ body: @escaping @Sendable ([UInt8]) -> ScriptValue) -> TransformationDeclaration {
        TransformationDeclaration(name: name) { _, _ throws(Diagnostic) in
            { _, v in v.isNull ? .null : body(Array(v.stringValue.utf8)) }
        }
    }
}
