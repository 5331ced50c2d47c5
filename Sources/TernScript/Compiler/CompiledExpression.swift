/// An expression compiled to closures. Each has a value form and an int form so conditions and
/// arithmetic skip the ScriptValue wrapping; the one that is not native is derived from the other.
struct CompiledExpression {
    enum ValueType: Equatable {
        case int, string, unknown
    }

    /// The type known at load time (decides `+` and `==` when it is not `.unknown`).
    var type: ValueType
    /// The value, when it is the same for every message.
    var constant: ScriptValue?
    var value: (ScriptContext) -> ScriptValue
    var int: (ScriptContext) -> Int
    /// For an expression that is one function call (`isCall`): the call with its raw return
    /// value (an assignment stores that, not the booleanised value).
    var call: (ScriptContext) -> Int = { _ in 0 }
    var isCall = false
    /// `defined e`, and what `e == $null` is rewritten to.
    var isDefined: (ScriptContext) -> Bool
    /// For a pseudo-variable (`readsInPlace`): its value read in place (no String made), used
    /// by comparisons and regex matches. Not an Optional: calls through a closure stored in
    /// an Optional pay for a conversion thunk.
    var view: (ScriptContext) -> ScriptValueView = { _ in .null }
    var readsInPlace = false

    static func constant(_ v: ScriptValue) -> CompiledExpression {
        switch v {
        case .int(let i):
            return CompiledExpression(type: .int, constant: v, value: { _ in v }, int: { _ in i }, isDefined: { _ in true })
        case .string(let s):
            let i = ScriptValue.integer(from: s)
            return CompiledExpression(type: .string, constant: v, value: { _ in v }, int: { _ in i }, isDefined: { _ in true })
        case .null:
            return CompiledExpression(type: .unknown, constant: v, value: { _ in .null }, int: { _ in 0 }, isDefined: { _ in false })
        }
    }

    static func ofInt(_ f: @escaping (ScriptContext) -> Int) -> CompiledExpression {
        CompiledExpression(type: .int, constant: nil, value: { .int(f($0)) }, int: f, isDefined: { _ in true })
    }

    static func ofValue(_ type: ValueType, _ f: @escaping (ScriptContext) -> ScriptValue) -> CompiledExpression {
        CompiledExpression(type: type, constant: nil, value: f, int: { f($0).intValue }, isDefined: { !f($0).isNull })
    }

    /// A pseudo-variable operand: value, int and definedness all read through its view.
    static func ofPseudoVariable(_ pv: PseudoVariableReference) -> CompiledExpression {
        let view = pv.viewer
        let get = pv.getter
        return CompiledExpression(
            type: .unknown, constant: nil, value: get,
            int: { ctx in
                switch view(ctx) {
                case .int(let i): return i
                case .null: return 0
                case let v: return v.withUTF8 { ScriptValue.integer(fromBytes: $0) }
                }
            },
            isDefined: { !view($0).isNull }, view: view, readsInPlace: true)
    }

    static func ofString(_ f: @escaping (ScriptContext) -> String) -> CompiledExpression {
        CompiledExpression(type: .string, constant: nil, value: { .string(f($0)) }, int: { ScriptValue.integer(from: f($0)) },
                           isDefined: { _ in true })
    }

    /// The value as a string (null as "").
    var string: (ScriptContext) -> String {
        if let c = constant {
            let s = c.stringValue
            return { _ in s }
        }
        let v = value
        return { v($0).stringValue }
    }
}
