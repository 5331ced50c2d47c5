import TernScript

/// pv_isset("$pv"): 1 unless the value is null (`$var` always has one: it starts at 0).
/// pv_unset("$pv"): assigns null, with that pseudo-variable's meaning of it (`$var` becomes 0,
/// an AVP loses its last value, `$du` is reset). The pseudo-variable may be written with or
/// without quotes; one that cannot be assigned is refused when the script loads.
enum PVPresence {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "pv_isset", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
                args, _ throws(Diagnostic) in
                let pv = try args[0].pseudoVariable(writable: false)
                return { ctx in pv.get(ctx).isNull ? -1 : 1 }
            },
            FunctionDeclaration(name: "pv_unset", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
                args, _ throws(Diagnostic) in
                let pv = try args[0].pseudoVariable(writable: true)
                return { ctx in
                    pv.set(ctx, .null)
                    return 1
                }
            },
        ]
    }
}
