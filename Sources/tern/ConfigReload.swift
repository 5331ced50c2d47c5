import TernModules
import TernRuntime
import TernScript

/// Compiling the config file again for a running server — what SIGHUP and the `cfg.reload`
/// command both do. A config with errors, or one changing what cannot change at run time
/// (globals, modules, module parameters), is refused and the previous script serves on.
struct ConfigReload: Sendable {
    let request: ConfigLoadRequest
    let registry: ModuleRegistry

    /// The new script's generation, or the reasons for refusing it (one error per line).
    func run(on server: ServerRuntime) -> Result<Int, RPCError> {
        switch ConfigLoader.load(request, symbols: registry.symbols(coreFunctions: CoreFunctions.all)) {
        case .failure(let list):
            let lines = list.diagnostics.map(\.description)
                + ["reload refused: \(list.errors.count) errors in \(request.path); the previous script keeps serving"]
            return .failure(RPCError(code: 500, message: lines.joined(separator: "\n")))
        case .success(let config):
            do {
                try server.replaceScript(with: config)
                return .success(server.scriptGeneration)
            } catch {
                return .failure(RPCError(code: 500, message: "\(error); the previous script keeps serving"))
            }
        }
    }
}
