import TernRPC
import TernRuntime
import TernScript

/// mi_fifo — the management FIFO of Kamailio 1.x–4.x (and SER's core FIFO before it): the
/// server reads `:command:reply_fifo` requests (and JSON-RPC documents) from `fifo_name`
/// and writes each answer to the client's reply FIFO under `reply_dir`.
final class MiFifoModule: TernModule, @unchecked Sendable {
    let name = "mi_fifo"
    private var configuration = FIFOServerConfiguration(path: "/tmp/kamailio_fifo")
    private var server: FIFOServer?

    var declaration: ModuleDeclaration {
        ModuleDeclaration(name: name, parameters: [
            ParameterDeclaration(name: "fifo_name", type: .string),
            ParameterDeclaration(name: "fifo_mode", type: .intOrString),
            ParameterDeclaration(name: "fifo_user", type: .intOrString),
            ParameterDeclaration(name: "fifo_group", type: .intOrString),
            ParameterDeclaration(name: "reply_dir", type: .string),
            // MI's indentation of nested reply nodes; Tern's text replies use tabs.
            ParameterDeclaration(name: "reply_indent", type: .string),
        ])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        configuration.role = "MI FIFO"
        for setting in parameters {
            switch (setting.parameter, setting.value) {
            case ("fifo_name", .string(let path)):
                guard !path.isEmpty else { throw ConfigurationError("mi_fifo fifo_name is empty", at: setting.location) }
                configuration.path = path
            case ("fifo_mode", let value):
                guard let mode = ManagementPaths.fileMode(value) else {
                    throw ConfigurationError("mi_fifo fifo_mode \(value) is not a file mode (e.g. 0660)", at: setting.location)
                }
                configuration.mode = mode
            case ("fifo_user", .string(let user)): configuration.user = user
            case ("fifo_user", .int(let uid)): configuration.user = String(uid)
            case ("fifo_group", .string(let group)): configuration.group = group
            case ("fifo_group", .int(let gid)): configuration.group = String(gid)
            case ("reply_dir", .string(let directory)): configuration.replyDirectory = directory
            default: break
            }
        }
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        LocalRequestCommands.register(in: services)
        let server = FIFOServer(configuration: configuration, registry: services.rpc, logger: services.logger)
        try server.start()
        services.processes.add(configuration.role)
        self.server = server
    }

    func stop() {
        server?.stop()
        server = nil
    }
}
