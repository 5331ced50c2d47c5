/// Script variables, per worker and kept across messages (Kamailio 5.6.3, checked): `$var(x)`
/// and `$vz(x)` are the same variable, starting as int 0, and `= $null` stores 0; `$vn(x)` is
/// a separate variable that starts as null and can be set back to null.
enum VariablePseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        [zeroed("var"), zeroed("vz"), nullable]
    }

    static func checkedName(_ binding: PseudoVariableBinding) throws(Diagnostic) -> String {
        let name = binding.inner ?? ""
        guard name.utf8.allSatisfy({ isIdentifierByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw binding.error("bad variable name '\(name)' in $\(binding.name)", hint: "use letters, digits and '_'")
        }
        return name
    }

    private static func zeroed(_ pvName: String) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: pvName, innerName: .required) { binding throws(Diagnostic) in
            let slot = VariableSlots.slot(for: try checkedName(binding))
            return PseudoVariableAccessors(
                view: { ctx in ScriptValueView(ctx.worker.variable(slot)) },
                set: { ctx, v in ctx.worker.setVariable(slot, v.isNull ? .int(0) : v) })
        }
    }

    private static let nullable = PseudoVariableDeclaration(name: "vn", innerName: .required) { binding throws(Diagnostic) in
        let slot = VariableSlots.slot(for: "\u{0}vn:" + (try checkedName(binding)))
        return PseudoVariableAccessors(
            view: { ctx in ScriptValueView(ctx.worker.nullableVariable(slot)) },
            set: { ctx, v in ctx.worker.setNullableVariable(slot, v) })
    }
}
