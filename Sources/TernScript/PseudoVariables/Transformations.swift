/// A transformation applied to a pseudo-variable's value: `$(rU{s.len})`,
/// `$(var(x){s.substr,1,2})`. Declared like functions; modules may add their own classes.
public struct TransformationDeclaration: Sendable {
    /// Full name with its class: `s.len`, `uri.user`.
    public var name: String
    public var parameterCounts: ClosedRange<Int>
    public var compile: @Sendable (_ parameters: [TransformationParameter], _ at: SourceLocation) throws(Diagnostic) -> Transformation

    public init(
        name: String, parameterCounts: ClosedRange<Int> = 0...0,
        compile: @escaping @Sendable (_ parameters: [TransformationParameter], _ at: SourceLocation) throws(Diagnostic) -> Transformation
    ) {
        self.name = name
        self.parameterCounts = parameterCounts
        self.compile = compile
    }
}

/// A compiled transformation: input value to output value (null when it fails).
public typealias Transformation = (ScriptContext, ScriptValue) -> ScriptValue

/// One parameter of a transformation as written: a literal or a pseudo-variable.
public struct TransformationParameter {
    public let text: String
    let reference: PseudoVariableReference?

    /// The literal as an integer, when it is one.
    public var constantInt: Int? {
        reference == nil ? Lexer.integerValue(of: text) ?? (text.hasPrefix("-") ? Lexer.integerValue(of: String(text.dropFirst())).map { -$0 } : nil) : nil
    }

    public var isConstant: Bool { reference == nil }

    public func evaluate(_ ctx: ScriptContext) -> ScriptValue {
        reference?.get(ctx) ?? .string(text)
    }
}

/// The `s.` transformations TernScript itself provides.
enum CoreTransformations {
    static let all: [TransformationDeclaration] = [
        simple("s.len") { .int($0.stringValue.utf8.count) },
        simple("s.int") { v in
            if case .int = v { return v }
            // The leading integer of the text; none gives 0.
            let s = v.stringValue
            var digits = Substring(s)
            var sign = 1
            if digits.first == "-" { sign = -1; digits = digits.dropFirst() } else if digits.first == "+" { digits = digits.dropFirst() }
            let prefix = digits.prefix { $0.isASCII && $0.isNumber }
            return .int(ScriptValue.wrap(sign * (Int(prefix) ?? 0)))
        },
        simple("s.tolower") { .string($0.stringValue.lowercased()) },
        simple("s.toupper") { .string($0.stringValue.uppercased()) },
        simple("s.trim") { .string(trim($0.stringValue, leading: true, trailing: true)) },
        simple("s.ltrim") { .string(trim($0.stringValue, leading: true, trailing: false)) },
        simple("s.rtrim") { .string(trim($0.stringValue, leading: false, trailing: true)) },
        TransformationDeclaration(name: "s.substr", parameterCounts: 2...2) { p, _ throws(Diagnostic) in
            let offset = p[0]
            let length = p[1]
            return { ctx, v in
                let bytes = Array(v.stringValue.utf8)
                var start = offset.evaluate(ctx).intValue
                let len = length.evaluate(ctx).intValue
                if start < 0 { start = bytes.count + start }
                guard start >= 0, start <= bytes.count, len >= 0 else { return .null }
                let end = len == 0 ? bytes.count : min(bytes.count, start + len)
                return .string(String(decoding: bytes[start..<end], as: UTF8.self))
            }
        },
        TransformationDeclaration(name: "s.strip", parameterCounts: 1...1) { p, _ throws(Diagnostic) in
            let n = p[0]
            return { ctx, v in
                let bytes = Array(v.stringValue.utf8)
                let k = max(0, n.evaluate(ctx).intValue)
                return .string(k >= bytes.count ? "" : String(decoding: bytes[k...], as: UTF8.self))
            }
        },
        TransformationDeclaration(name: "s.striptail", parameterCounts: 1...1) { p, _ throws(Diagnostic) in
            let n = p[0]
            return { ctx, v in
                let bytes = Array(v.stringValue.utf8)
                let k = max(0, n.evaluate(ctx).intValue)
                return .string(k >= bytes.count ? "" : String(decoding: bytes[..<(bytes.count - k)], as: UTF8.self))
            }
        },
    ]

    private static func simple(_ name: String, _ body: @escaping @Sendable (ScriptValue) -> ScriptValue) -> TransformationDeclaration {
        TransformationDeclaration(name: name) { _, _ throws(Diagnostic) in
            { _, v in v.isNull ? .null : body(v) }
        }
    }

    private static func trim(_ s: String, leading: Bool, trailing: Bool) -> String {
        let ws: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        var sub = Substring(s)
        if leading { sub = sub.drop(while: ws) }
        if trailing { while let l = sub.last, ws(l) { sub = sub.dropLast() } }
        return String(sub)
    }
}
