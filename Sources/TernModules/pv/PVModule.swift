import TernRuntime
import TernScript

/// pv — functions over pseudo-variables named as arguments: pv_isset, pv_unset, is_int,
/// typeof and not_empty, and `$snd` (what onsend_route is sending). (The other pseudo-variables themselves are the script core's; `$stat` is
/// kex's here, pv_printf too, as in Kamailio.)
final class PVModule: TernModule, @unchecked Sendable {
    let name = "pv"

    var declaration: ModuleDeclaration {
        ModuleDeclaration(name: name, functions: PVPresence.functions + PVTypeChecks.functions,
                          pseudoVariables: [SendPseudoVariables.declaration])
    }
}
