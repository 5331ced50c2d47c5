import TernScript

/// An argument Kamailio fixes up as "integer or pseudo-variable" (fixup_igp, fixup_var_int):
/// a number written in the config is checked once at load time (and against `range` when one
/// is given); a pseudo-variable or expression is read per message.
public struct IntegerArgument {
    private let constant: Int?
    private let argument: ScriptArgument

    /// Throws for a constant that is not a number or is outside `range`.
    public init(_ argument: ScriptArgument, function: String, what: String = "argument",
                range: ClosedRange<Int>? = nil) throws(Diagnostic) {
        self.argument = argument
        if argument.isConstant {
            guard let value = argument.constantInt else {
                throw .error("\(function): \(what) must be a number, not '\(argument.constantString ?? "")'",
                             at: argument.location)
            }
            if let range, !range.contains(value) {
                throw .error("\(function): \(what) \(value) is outside \(range.lowerBound)–\(range.upperBound)",
                             at: argument.location)
            }
            constant = value
        } else {
            constant = nil
        }
    }

    /// The value for this message; nil when a pseudo-variable does not hold a number.
    @inline(__always)
    public func value(_ ctx: ScriptContext) -> Int? {
        if let constant { return constant }
        return argument.evaluateInt(ctx)
    }
}
