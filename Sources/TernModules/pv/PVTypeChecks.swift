import TernScript

/// is_int("$pv"), typeof("$pv", "int|str|null") and not_empty("$pv"): the type of a value as
/// Kamailio's pv module reports it. typeof looks only at the first letter of the type name
/// (`typeof($x, "nothing")` asks for null, as in Kamailio 5.6.3).
///
/// Tern's values are int, string or null; a few Kamailio pseudo-variables are strings that
/// also carry an integer (`$rp`, `$cs`), which Kamailio's is_int accepts and Tern's does not.
enum PVTypeChecks {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "is_int", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
                args, _ throws(Diagnostic) in
                let pv = try args[0].pseudoVariable(writable: false)
                return { ctx in
                    if case .int = pv.get(ctx) { return 1 }
                    return -1
                }
            },
            FunctionDeclaration(name: "typeof", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.literal, .literal]) {
                args, _ throws(Diagnostic) in
                let pv = try args[0].pseudoVariable(writable: false)
                guard args[1].isConstant, let type = args[1].literalText else {
                    throw .error("typeof: the type must be written as a constant (int, str or null)", at: args[1].location)
                }
                let wanted = type.utf8.first.map { $0 | 0x20 }
                return { ctx in
                    switch (wanted, pv.get(ctx)) {
                    case (UInt8(ascii: "i"), .int), (UInt8(ascii: "s"), .string), (UInt8(ascii: "n"), .null): return 1
                    default: return -1
                    }
                }
            },
            FunctionDeclaration(name: "not_empty", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
                args, _ throws(Diagnostic) in
                let pv = try args[0].pseudoVariable(writable: false)
                return { ctx in
                    if case .string(let s) = pv.get(ctx), !s.isEmpty { return 1 }
                    return -1
                }
            },
        ]
    }
}
