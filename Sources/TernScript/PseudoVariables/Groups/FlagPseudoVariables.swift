/// Flags as numbers: `$mf` message flags, `$sf` script flags, `$bf` flags of the R-URI
/// branch, each with a hex twin (`$mF $sF $bF`: eight lowercase digits, string-typed, as
/// Kamailio 5.6.3 prints `00000009`). Writable with ints; `= $null` clears; a string is
/// refused (Kamailio: "assigning non-int value"). `$Mf(n)`, `$Sf(n)`, `$Bf(n)` read one flag
/// (by number or by a name from `flags`) as 1/0; assigning non-zero sets it, zero resets it.
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
            // Kamailio 5.6.3 prints $mf as a signed 32-bit value (flag 31 reads -2147483648).
            let signed = decimal == "mf"
            out += CorePseudoVariables.writable([decimal], view: { ctx in
                signed ? .int(Int(Int32(bitPattern: get(ctx)))) : .int(Int(get(ctx)))
            }, set: write)
            out += CorePseudoVariables.writable([hex], view: { ctx in .string(eightHexDigits(get(ctx))) }, set: write)
        }
        for (name, get, set) in [("Mf", kinds[0].2, kinds[0].3), ("Sf", kinds[1].2, kinds[1].3), ("Bf", kinds[2].2, kinds[2].3)] {
            out.append(singleFlag(name, get, set))
        }
        return out
    }

    private static func singleFlag(
        _ name: String, _ get: @escaping @Sendable (ScriptContext) -> UInt32, _ set: @escaping @Sendable (ScriptContext, UInt32) -> Void
    ) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: name, innerName: .required) { binding throws(Diagnostic) in
            let inner = (binding.inner ?? "").trimmingBlanks
            guard let bit = Int(inner) ?? binding.environment.flagNames[inner], (0...31).contains(bit) else {
                throw binding.error("bad flag '\(inner)' in $\(name)", hint: "use a number from 0 to 31 or a name declared with flags")
            }
            let mask = UInt32(1) << UInt32(bit)
            return PseudoVariableAccessors(get: { ctx in .int(get(ctx) & mask != 0 ? 1 : 0) }, set: { ctx, v in
                switch v {
                case .null: set(ctx, 0)
                case .int(let i): set(ctx, i != 0 ? get(ctx) | mask : get(ctx) & ~mask)
                case .string: ctx.worker.logger.error("$\(name): a flag is set with a number, not a string")
                }
            })
        }
    }

    static func eightHexDigits(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: 8 - digits.utf8.count) + digits
    }
}
