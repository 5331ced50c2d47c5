/// Flags as numbers: `$mf` message flags, `$sf` script flags, `$bf` flags of the R-URI
/// branch, each with a hex twin (`$mF $sF $bF`: eight lowercase digits, string-typed, as
/// Kamailio 5.6.3 prints `00000009`). Writable with ints; `= $null` clears; a string is
/// refused (Kamailio: "assigning non-int value").
enum FlagPseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        let kinds: [(String, String, @Sendable (ScriptContext) -> UInt32, @Sendable (ScriptContext, UInt32) -> Void)] = [
            ("mf", "mF", { $0.messageFlags }, { $0.messageFlags = $1 }),
            ("sf", "sF", { $0.scriptFlags }, { $0.scriptFlags = $1 }),
            ("bf", "bF", { $0.requestBranchFlags }, { $0.requestBranchFlags = $1 }),
        ]
        for (decimal, hex, get, set) in kinds {
            let write: @Sendable (ScriptContext, ScriptValue) -> Void = { ctx, v in
                switch v {
                case .null: set(ctx, 0)
                case .int(let i): set(ctx, UInt32(truncatingIfNeeded: i))
                case .string: ctx.worker.logger.error("$\(decimal): flags are set with a number, not a string")
                }
            }
            out += CorePseudoVariables.writable([decimal], view: { ctx in .int(Int(get(ctx))) }, set: write)
            out += CorePseudoVariables.writable([hex], view: { ctx in .string(eightHexDigits(get(ctx))) }, set: write)
        }
        return out
    }

    static func eightHexDigits(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: 8 - digits.utf8.count) + digits
    }
}
