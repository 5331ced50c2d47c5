#if canImport(Glibc)
import Glibc
#endif
import TernRPC
import TernRuntime
import TernScript

/// ctl — the control socket tools talk to. Kamailio's ctl speaks binrpc to kamcmd; Tern's
/// speaks JSON-RPC 2.0 (one document per request, one per answer, newline-separated) to
/// ternctl, on the Unix socket `binrpc` names (default `/run/tern/tern_ctl`, or
/// `/tmp/tern_ctl` when `/run/tern` cannot be used), mode 0600. ctl's `fifo` parameter
/// opens a management FIFO as mi_fifo does.
final class CtlModule: TernModule, @unchecked Sendable {
    let name = "ctl"
    private var socketPaths: [String] = []
    private var fifoPaths: [String] = []
    private var mode: mode_t = 0o600
    private var user: String?
    private var group: String?
    private var sockets: [ControlSocketServer] = []
    private var fifos: [FIFOServer] = []

    var declaration: ModuleDeclaration {
        ModuleDeclaration(name: name, parameters: [
            ParameterDeclaration(name: "binrpc", type: .string, repeatable: true),
            ParameterDeclaration(name: "fifo", type: .string, repeatable: true),
            ParameterDeclaration(name: "mode", type: .intOrString),
            ParameterDeclaration(name: "user", type: .intOrString),
            ParameterDeclaration(name: "group", type: .intOrString),
            // binrpc tuning: accepted so Kamailio configs load, meaningless for JSON-RPC.
            ParameterDeclaration(name: "autoconversion", type: .int),
            ParameterDeclaration(name: "binrpc_max_body_size", type: .int),
            ParameterDeclaration(name: "binrpc_struct_max_body_size", type: .int),
            ParameterDeclaration(name: "binrpc_buffer_size", type: .intOrString),
        ])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        for setting in parameters {
            switch (setting.parameter, setting.value) {
            case ("binrpc", .string(let spec)):
                guard let path = ManagementPaths.controlSocketPath(spec) else {
                    services.logger.warning("\(setting.location): ctl binrpc '\(spec)': only unix: stream sockets are served (JSON-RPC for ternctl); ignored")
                    continue
                }
                socketPaths.append(path)
            case ("fifo", .string(let spec)):
                if spec.hasPrefix("fifo:") {
                    fifoPaths.append(String(spec.dropFirst("fifo:".count)))
                } else if spec.hasPrefix("/") {
                    fifoPaths.append(spec)
                } else {
                    services.logger.warning("\(setting.location): ctl fifo '\(spec)': only fifo:/path is served; ignored")
                }
            case ("mode", let value):
                guard let parsed = ManagementPaths.fileMode(value) else {
                    throw ConfigurationError("ctl mode \(value) is not a file mode (e.g. 0600)", at: setting.location)
                }
                mode = parsed
            case ("user", .string(let text)): user = text
            case ("user", .int(let number)): user = String(number)
            case ("group", .string(let text)): group = text
            case ("group", .int(let number)): group = String(number)
            default: break
            }
        }
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        LocalRequestCommands.register(in: services)
        let paths = socketPaths.isEmpty ? [ManagementPaths.defaultControlSocket()] : socketPaths
        for path in paths {
            var configuration = ControlSocketConfiguration(path: path)
            configuration.mode = mode
            configuration.user = user
            configuration.group = group
            let server = ControlSocketServer(configuration: configuration, registry: services.rpc, logger: services.logger)
            try server.start()
            sockets.append(server)
            services.processes.add("ctl handler")
        }
        for path in fifoPaths {
            var configuration = FIFOServerConfiguration(path: path)
            configuration.role = "ctl FIFO"
            let server = FIFOServer(configuration: configuration, registry: services.rpc, logger: services.logger)
            try server.start()
            fifos.append(server)
            services.processes.add("ctl FIFO")
        }
    }

    func stop() {
        for server in sockets { server.stop() }
        for server in fifos { server.stop() }
        sockets.removeAll()
        fifos.removeAll()
    }
}
