#if canImport(Glibc)
import Glibc
#endif
import Logging
import TernModules
import TernRPC
import TernRuntime
import TernScript

/// Loads and checks the config, then runs the server until SIGTERM or SIGINT.
struct ServerLauncher {
    let configFile: String
    let defines: [(name: String, value: String?)]
    let overrides: CoreSettings.Overrides
    let pidFile: String?

    private struct Loaded {
        var config: LoadedConfig
        var settings: CoreSettings
        var registry: ModuleRegistry
    }

    /// `tern -c`: every problem listed, exit 0 only for a config that would start.
    func check() -> Int32 {
        guard let loaded = load() else { return 1 }
        let services = RuntimeServices(settings: loaded.settings, logger: Logger(label: "check"))
        do {
            try ServerRuntime(config: loaded.config, registry: loaded.registry, services: services).checkModules()
        } catch {
            printError("\(error)")
            printError("ERROR: bad config file (1 errors)")
            return 1
        }
        for address in loaded.settings.listens { print("listening on \(address)") }
        print("config file ok")
        return 0
    }

    func run() -> Int32 {
        guard let loaded = load() else { return 1 }
        let level = ScriptLogLevel.level(loaded.settings.debugLevel)
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level) }
        let logger = Logger(label: "core")

        // Signals are taken synchronously by this thread; every thread started after this
        // inherits the mask, so no worker is ever interrupted by them.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        // A peer closing a TCP connection mid-write must not kill the server.
        Glibc.signal(SIGPIPE, SIG_IGN)

        let services = RuntimeServices(settings: loaded.settings, logger: logger)
        let server = ServerRuntime(config: loaded.config, registry: loaded.registry, services: services)
        let configReload = ConfigReload(request: ConfigLoadRequest(path: configFile, defines: defines), registry: loaded.registry)
        server.configReloader = { [weak server] () throws(RPCError) -> Int in
            guard let server else { throw RPCError.failed("the server is stopping") }
            services.logger.notice("cfg.reload: reloading \(configReload.request.path)")
            return try configReload.run(on: server).get()
        }
        // SER's core FIFO (`fifo = "/tmp/ser_fifo"`), served beside the modules' transports.
        var coreFIFO: FIFOServer?
        do {
            try server.start()
            if let configuration = CoreFIFOSettings.configuration(from: loaded.config.globals) {
                LocalRequestCommands.register(in: services)
                let fifo = FIFOServer(configuration: configuration, registry: services.rpc, logger: logger)
                try fifo.start()
                services.processes.add(configuration.role)
                coreFIFO = fifo
            }
        } catch {
            logger.critical("cannot start: \(error)")
            server.stop()
            return 1
        }
        writePidFile()
        logger.notice("\(TernVersion.full) started, config \(configFile)")

        while true {
            var received: Int32 = 0
            guard sigwait(&signals, &received) == 0 else { continue }
            if received == SIGHUP {
                reload(server, registry: loaded.registry, logger: logger)
                continue
            }
            logger.notice("signal \(received) received, shutting down")
            break
        }
        coreFIFO?.stop()
        server.stop()
        if let pidFile { unlink(pidFile) }
        return 0
    }

    /// SIGHUP: compile the config file again and, when it is sound, route new messages with
    /// it. A config with errors is refused with every error logged; the old script serves on.
    private func reload(_ server: ServerRuntime, registry: ModuleRegistry, logger: Logger) {
        logger.notice("SIGHUP received: reloading \(configFile)")
        let reload = ConfigReload(request: ConfigLoadRequest(path: configFile, defines: defines), registry: registry)
        if case .failure(let refusal) = reload.run(on: server) {
            let lines = refusal.message.split(separator: "\n", omittingEmptySubsequences: false)
            for line in lines.dropLast() { printError(String(line)) }
            logger.error("\(lines.last ?? "")")
        }
    }

    /// What the script checker may resolve: every built-in module and the core functions.
    private static func symbols(_ registry: ModuleRegistry) -> ScriptSymbols {
        registry.symbols(coreFunctions: CoreFunctions.all)
    }

    private func load() -> Loaded? {
        let registry = ModuleRegistry(BuiltinModules.all)
        let request = ConfigLoadRequest(path: configFile, defines: defines)
        switch ConfigLoader.load(request, symbols: Self.symbols(registry)) {
        case .failure(let list):
            report(list.diagnostics)
            return nil
        case .success(let config):
            report(config.warnings)
            do {
                let settings = try CoreSettings(globals: config.globals, overrides: overrides)
                return Loaded(config: config, settings: settings, registry: registry)
            } catch {
                printError("\(error)")
                printError("ERROR: bad config file (1 errors)")
                return nil
            }
        }
    }

    private func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { printError(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        if errors > 0 { printError("ERROR: bad config file (\(errors) errors)") }
    }

    private func printError(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    private func writePidFile() {
        guard let pidFile else { return }
        let text = "\(getpid())\n"
        let fd = open(pidFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}
