import TernScript

/// Kamailio's core functions take their strings as written: `sethost("$var(h)")` sets the host
/// to the text `$var(h)`. A pseudo-variable or expression given instead is refused when the
/// script loads, with the assignment that does the same dynamically as the hint.
enum LiteralArgument {
    static func text(_ argument: ScriptArgument, function: String, dynamicForm: String? = nil) throws(Diagnostic) -> String {
        guard argument.isConstant, let text = argument.literalText else {
            throw .error("\(function) takes a constant string; Kamailio does not evaluate an expression here",
                         at: argument.location, hint: dynamicForm.map { "to use a computed value write \($0)" })
        }
        return text
    }

    /// A constant whole number ≥ 0 (`strip(3)`).
    static func count(_ argument: ScriptArgument, function: String) throws(Diagnostic) -> Int {
        guard argument.isConstant, let value = argument.constantInt else {
            throw .error("\(function) takes a constant number", at: argument.location)
        }
        guard value >= 0 else {
            throw .error("\(function): \(value) is negative", at: argument.location)
        }
        return value
    }
}
