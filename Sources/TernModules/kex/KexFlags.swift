import TernRuntime
import TernScript

/// kex's flag functions. Script flags — setsflag, resetsflag, issflagset, `$sf` — live for one
/// message (Kamailio clears them before each top-level route). Branch
/// flags — setbflag, resetbflag, isbflagset with an optional branch index, 0 being the R-URI —
/// belong to the destination set. A flag outside 0–31 or a missing branch makes the function
/// return -1; a constant flag outside 0–31 is refused when the script loads.
enum KexFlags {
    static var functions: [FunctionDeclaration] {
        var out: [FunctionDeclaration] = []
        let scriptFlagOperations: [(String, @Sendable (ScriptContext, UInt32) -> Int)] = [
            ("setsflag", { ctx, mask in ctx.scriptFlags |= mask; return 1 }),
            ("resetsflag", { ctx, mask in ctx.scriptFlags &= ~mask; return 1 }),
            ("issflagset", { ctx, mask in ctx.scriptFlags & mask != 0 ? 1 : -1 }),
        ]
        for (name, operation) in scriptFlagOperations {
            out.append(FunctionDeclaration(name: name, argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let flag = try IntegerArgument(args[0], function: name, what: "flag", range: 0...31)
                return { ctx in
                    guard let bit = flag.value(ctx), (0...31).contains(bit) else { return -1 }
                    return operation(ctx, UInt32(1) << UInt32(bit))
                }
            })
        }
        let branchFlagOperations: [(String, @Sendable (UInt32, UInt32) -> UInt32?)] = [
            ("setbflag", { flags, mask in flags | mask }),
            ("resetbflag", { flags, mask in flags & ~mask }),
            ("isbflagset", { _, _ in nil }),
        ]
        for (name, operation) in branchFlagOperations {
            out.append(FunctionDeclaration(name: name, argumentCounts: 1...2, routeTypes: .any) { args, _ throws(Diagnostic) in
                let flag = try IntegerArgument(args[0], function: name, what: "flag", range: 0...31)
                let branch = args.count > 1 ? try IntegerArgument(args[1], function: name, what: "branch index", range: 0 ... Int(Int32.max)) : nil
                return { ctx in
                    guard let bit = flag.value(ctx), (0...31).contains(bit) else { return -1 }
                    var index = 0
                    if let branch {
                        guard let value = branch.value(ctx), value >= 0 else { return -1 }
                        index = value
                    }
                    guard let flags = ctx.branchFlags(at: index) else { return -1 }
                    let mask = UInt32(1) << UInt32(bit)
                    guard let updated = operation(flags, mask) else { return flags & mask != 0 ? 1 : -1 }
                    ctx.setBranchFlags(updated, at: index)
                    return 1
                }
            })
        }
        return out
    }
}
