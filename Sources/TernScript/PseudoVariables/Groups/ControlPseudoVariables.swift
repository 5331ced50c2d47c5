#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Script control and constants: the last return code (`$rc $retcode $?`), `$null`, `$true`
/// (int 1), the process id `$pp`, `$RANDOM` (non-negative 31-bit, per worker), `$K(name)`
/// Kamailio's constants (address families and transport ids) and `$env(NAME)`.
enum ControlPseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += CorePseudoVariables.computed(["rc", "retcode", "?"]) { ctx in .int(ctx.lastReturnCode) }
        out += CorePseudoVariables.computed(["null"]) { _ in .null }
        out += CorePseudoVariables.computed(["true"]) { _ in .int(1) }
        out += CorePseudoVariables.computed(["pp"]) { _ in .int(currentProcessID()) }
        out += CorePseudoVariables.computed(["RANDOM"]) { ctx in .int(ctx.worker.nextRandom()) }
        out.append(CorePseudoVariables.keyed(
            "K", keys: ["IPv4": 2, "IPv6": 10, "UDP": 1, "TCP": 2, "TLS": 3, "SCTP": 4, "WS": 5, "WSS": 6]
        ) { _, value in .int(value) })
        out.append(environment)
        return out
    }

    /// `$env(NAME)`: read when used (null when unset).
    static let environment = PseudoVariableDeclaration(name: "env", innerName: .required) { binding throws(Diagnostic) in
        let name = (binding.inner ?? "").trimmingBlanks
        guard !name.isEmpty else { throw binding.error("empty environment variable name in $env") }
        return PseudoVariableAccessors(get: { _ in
            guard let value = getenv(name) else { return .null }
            return .string(String(cString: value))
        })
    }
}
