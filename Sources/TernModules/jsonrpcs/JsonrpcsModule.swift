import TernRPC
import TernRuntime
import TernScript

/// jsonrpcs — JSON-RPC 2.0 for the management commands. `transport` is Kamailio's bitmask:
/// 1 HTTP (`POST /RPC` on the SIP TCP ports), 2 FIFO (`fifo_name`, replies to
/// `fifo_reply_dir` + the request's `reply_name`), 4 datagram (not served by Tern); 0 means
/// every one. The default is Kamailio's 6: HTTP exposes every command on the SIP ports, so
/// it is served only when asked for (Tern answers `/RPC` itself; with xhttp the script can
/// call `jsonrpc_dispatch()` in `event_route[xhttp:request]` instead).
final class JsonrpcsModule: TernModule, @unchecked Sendable {
    let name = "jsonrpcs"
    private var transport = 6
    private var pretty = true
    private var fifoName = "tern_rpc.fifo"
    private var fifo = FIFOServerConfiguration(path: "")
    private var server: FIFOServer?
    private var services: RuntimeServices?
    private var httpHandler: JSONRPCHTTPHandler?

    private var scriptFunctions: JsonrpcsScriptFunctions {
        JsonrpcsScriptFunctions(services: { [weak self] in self?.services }, pretty: { [weak self] in self?.pretty ?? true },
                                httpHandler: { [weak self] in self?.httpHandler })
    }

    var declaration: ModuleDeclaration {
        let script = scriptFunctions
        return ModuleDeclaration(name: name, parameters: [
            ParameterDeclaration(name: "transport", type: .int),
            ParameterDeclaration(name: "pretty_format", type: .int),
            ParameterDeclaration(name: "fifo_name", type: .string),
            ParameterDeclaration(name: "fifo_mode", type: .intOrString),
            ParameterDeclaration(name: "fifo_user", type: .intOrString),
            ParameterDeclaration(name: "fifo_group", type: .intOrString),
            ParameterDeclaration(name: "fifo_reply_dir", type: .string),
            // The datagram transport is not served; its parameters are accepted.
            ParameterDeclaration(name: "dgram_socket", type: .string),
            ParameterDeclaration(name: "dgram_workers", type: .int),
            ParameterDeclaration(name: "dgram_timeout", type: .int),
            ParameterDeclaration(name: "dgram_mode", type: .intOrString),
            ParameterDeclaration(name: "dgram_user", type: .intOrString),
            ParameterDeclaration(name: "dgram_group", type: .intOrString),
        ], functions: script.functions, pseudoVariables: script.pseudoVariables)
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        fifo.role = "JSONRPCS FIFO"
        self.services = services
        for setting in parameters {
            switch (setting.parameter, setting.value) {
            case ("transport", .int(let mask)):
                guard (0...7).contains(mask) else {
                    throw ConfigurationError("jsonrpcs transport \(mask) is not a bitmask of 1 (HTTP), 2 (FIFO), 4 (datagram)", at: setting.location)
                }
                transport = mask == 0 ? 7 : mask
                if mask & 4 != 0 { services.logger.info("\(setting.location): jsonrpcs: the datagram transport is not served; the FIFO, HTTP and ctl's socket are") }
            case ("pretty_format", .int(let flag)): pretty = flag != 0
            case ("fifo_name", .string(let name)):
                guard !name.isEmpty else { throw ConfigurationError("jsonrpcs fifo_name is empty", at: setting.location) }
                fifoName = name
            case ("fifo_mode", let value):
                guard let mode = ManagementPaths.fileMode(value) else {
                    throw ConfigurationError("jsonrpcs fifo_mode \(value) is not a file mode (e.g. 0660)", at: setting.location)
                }
                fifo.mode = mode
            case ("fifo_user", .string(let user)): fifo.user = user
            case ("fifo_user", .int(let uid)): fifo.user = String(uid)
            case ("fifo_group", .string(let group)): fifo.group = group
            case ("fifo_group", .int(let gid)): fifo.group = String(gid)
            case ("fifo_reply_dir", .string(let directory)): fifo.replyDirectory = directory
            default: break
            }
        }
        fifo.prettyJSON = pretty
        let handler = JSONRPCHTTPHandler(registry: services.rpc, prettyJSON: pretty, serverHeader: services.settings.serverHeader)
        httpHandler = handler
        if transport & 1 != 0 { services.addHTTPHandler(handler) }
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        LocalRequestCommands.register(in: services)
        guard transport & 2 != 0 else { return }
        fifo.path = ManagementPaths.resolve(fifoName, under: ManagementPaths.runDirectory())
        let server = FIFOServer(configuration: fifo, registry: services.rpc, logger: services.logger)
        try server.start()
        services.processes.add(fifo.role)
        self.server = server
    }

    func stop() {
        server?.stop()
        server = nil
    }
}
