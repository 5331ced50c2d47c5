import TernScript

/// setflag, resetflag, isflagset: the message flags (`$mf`), bits 0–31, given as a number or
/// as a name declared with `flags NAME:N`. The flag is fixed when the script loads, as in
/// Kamailio's grammar (no pseudo-variables); isflagset returns 1 or -1.
extension CoreFunctions {
    static var flagFunctions: [FunctionDeclaration] {
        [
            flagFunction("setflag") { ctx, mask in
                ctx.messageFlags |= mask
                return 1
            },
            flagFunction("resetflag") { ctx, mask in
                ctx.messageFlags &= ~mask
                return 1
            },
            flagFunction("isflagset") { ctx, mask in
                ctx.messageFlags & mask != 0 ? 1 : -1
            },
        ]
    }

    private static func flagFunction(
        _ name: String, _ body: @escaping @Sendable (ScriptContext, UInt32) -> Int
    ) -> FunctionDeclaration {
        // Allowed in onsend_route too.
        FunctionDeclaration(name: name, argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
            args, _ throws(Diagnostic) in
            let mask = UInt32(1) << UInt32(try flagNumber(args[0], function: name))
            return { ctx in body(ctx, mask) }
        }
    }

    /// A flag number 0–31 written in the config (declared flag names arrive as their number).
    static func flagNumber(_ argument: ScriptArgument, function: String) throws(Diagnostic) -> Int {
        guard argument.isConstant else {
            throw .error("\(function) takes a flag number or a declared flag name, not an expression",
                         at: argument.location)
        }
        guard let number = argument.constantInt else {
            let name = argument.constantString ?? ""
            throw .error("\(function): flag '\(name)' is not declared", at: argument.location,
                         hint: "declare it with: flags \(name):N;")
        }
        guard (0...31).contains(number) else {
            throw .error("\(function): bad flag value \(number) (flags are 0 to 31)", at: argument.location)
        }
        return number
    }
}
