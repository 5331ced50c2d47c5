import SIPCore

/// The pseudo-variables TernScript provides itself (spec §3.2): those of Kamailio's core and
/// pv module. Modules add theirs (tm's `$T_*`, htable's `$sht` …) through their declarations.
/// Each group lives in its own file; this one lists them and holds the shared builders.
enum CorePseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        MessagePseudoVariables.all + URIPseudoVariables.all + AddressPseudoVariables.all
            + IdentityPseudoVariables.all + AuthPseudoVariables.all + NetworkPseudoVariables.all
            + FlagPseudoVariables.all + BranchPseudoVariables.all + TimePseudoVariables.all
            + ControlPseudoVariables.all + VariablePseudoVariables.all + HeaderPseudoVariables.all
            + AVPPseudoVariable.all + XAVPPseudoVariable.all + SharedVariablePseudoVariable.all
            + CountPseudoVariable.all
    }

    /// Read-only pseudo-variables without an inner name whose value can be read in place.
    static func viewed(_ names: [String], _ view: @escaping @Sendable (ScriptContext) -> ScriptValueView) -> [PseudoVariableDeclaration] {
        names.map { name in
            PseudoVariableDeclaration(name: name, innerName: .none) { _ throws(Diagnostic) in
                PseudoVariableAccessors(view: view)
            }
        }
    }

    /// Read-only pseudo-variables without an inner name, computed.
    static func computed(_ names: [String], _ get: @escaping @Sendable (ScriptContext) -> ScriptValue) -> [PseudoVariableDeclaration] {
        names.map { PseudoVariableDeclaration(name: $0, get: get) }
    }

    /// Writable pseudo-variables without an inner name.
    static func writable(
        _ names: [String], view: @escaping @Sendable (ScriptContext) -> ScriptValueView,
        set: @escaping @Sendable (ScriptContext, ScriptValue) -> Void
    ) -> [PseudoVariableDeclaration] {
        names.map { name in
            PseudoVariableDeclaration(name: name, innerName: .none) { _ throws(Diagnostic) in
                PseudoVariableAccessors(view: view, set: set)
            }
        }
    }

    /// A pseudo-variable whose inner name is one of a fixed set of keys (`$TV(s)`, `$af(id)`),
    /// resolved when the script is loaded.
    static func keyed<Key>(
        _ name: String, keys: [String: Key], _ get: @escaping @Sendable (ScriptContext, Key) -> ScriptValue
    ) -> PseudoVariableDeclaration where Key: Sendable {
        PseudoVariableDeclaration(name: name, innerName: .required) { binding throws(Diagnostic) in
            let inner = binding.inner ?? ""
            guard let key = keys[inner] else {
                throw binding.error("unknown key '\(inner)' for $\(name)",
                                    hint: "use one of: " + keys.keys.sorted().joined(separator: ", "))
            }
            return PseudoVariableAccessors(get: { ctx in get(ctx, key) })
        }
    }

    @inline(__always) static func text(_ message: SIPMessage, _ range: Range<Int>?) -> ScriptValueView {
        ScriptValueView.slice(message.bytes, range)
    }

    /// A part that is present but empty reads as null (Kamailio: `len <= 0` is "no value").
    @inline(__always) static func nonEmpty(_ bytes: [UInt8], _ range: Range<Int>?) -> ScriptValueView {
        guard let range, !range.isEmpty else { return .null }
        return ScriptValueView.slice(bytes, range)
    }
}
