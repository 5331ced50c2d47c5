import Atomics
import Logging
import NIOCore
import NIOPosix
import SIPCore
import SIPTransport
import TernScript

/// A running Tern: the loaded modules configured, the listeners bound, the worker threads
/// started. `start()` fails early and whole (nothing left running) when a socket cannot be
/// bound or a module refuses its parameters.
public final class ServerRuntime: @unchecked Sendable {
    public let services: RuntimeServices
    private let registry: ModuleRegistry
    private var config: LoadedConfig
    private let reloadLock = Lock()
    private var loadedModules: [TernModule] = []
    private var udpListeners: [UDPListener] = []
    private var tcpListeners: [TCPListener] = []
    private var tcpPool: MessageWorkerPool?
    private var eventLoops: MultiThreadedEventLoopGroup?
    /// Set by the launcher before `start`: how `cfg.reload` compiles the config file again.
    public var configReloader: ConfigReloader?

    public init(config: LoadedConfig, registry: ModuleRegistry, services: RuntimeServices) {
        self.config = config
        self.registry = registry
        self.services = services
        services.install(ActiveScript(script: config.script, generation: 1))
    }

    /// Addresses actually bound (ports resolved when the config asked for port 0).
    public var boundAddresses: [ListenAddress] {
        udpListeners.map(\.address) + tcpListeners.map(\.address)
    }

    public func start() throws {
        do {
            try configureModules()
            registerCommands()
            try bindListeners()
            teachMyself(config.script)
            for module in loadedModules { try module.start(services: services) }
            try startWorkers()
        } catch {
            stop()
            throw error
        }
    }

    /// `tern -c`: applies every loaded module's parameters as a start would — so a bad
    /// htable definition or exec placement is reported by the check, with its location —
    /// then stops the modules again. No socket is bound and no worker started.
    public func checkModules() throws {
        services.isConfigCheck = true
        defer {
            for module in loadedModules.reversed() { module.stop() }
            loadedModules.removeAll()
        }
        try configureModules()
    }

    private func configureModules() throws {
        for load in config.modules {
            guard let module = registry.module(named: load.name) else {
                throw ConfigurationError("module '\(load.name)' is not built into Tern", at: load.location)
            }
            if loadedModules.contains(where: { $0 === module }) { continue }
            let parameters = config.moduleParameters.filter { $0.module == load.name }
            try module.configure(parameters: parameters, services: services)
            loadedModules.append(module)
        }
    }

    /// The core's management commands, then each loaded module's, in load order.
    private func registerCommands() {
        services.rpc.register(CoreCommands.all(server: self))
        for module in loadedModules { services.rpc.register(module.rpcCommands) }
    }

    private func bindListeners() throws {
        let settings = services.settings
        for address in settings.listens where address.proto == .udp {
            let listener = try UDPListener(address: address, receiveBufferBytes: settings.udpReceiveBuffer)
            udpListeners.append(listener)
            services.sendPath.register(listener)
        }
        let streamAddresses = settings.listens.filter { $0.proto == .tcp }
        guard !streamAddresses.isEmpty else { return }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        eventLoops = group
        let pool = MessageWorkerPool()
        tcpPool = pool
        let services = self.services
        for address in streamAddresses {
            let listener = TCPListener(address: address, group: group)
            try listener.start(pool: pool, settings: settings.stream, sendPath: services.sendPath) { error, head, receive in
                MessageRouter.answerFramingError(error, head: head, receive: receive, services: services)
            }
            tcpListeners.append(listener)
        }
    }

    /// The script's `myself` knows the configured addresses; add what was actually bound
    /// (ports chosen by the kernel, every interface behind a wildcard listener).
    private func teachMyself(_ script: CompiledScript) {
        for address in boundAddresses {
            if address.host == "0.0.0.0" || address.host == "::" {
                for ip in InterfaceAddresses.all() { script.myself.add(host: ip, port: address.port) }
            } else {
                script.myself.add(host: address.host, port: address.port)
            }
        }
    }

    /// Swaps in a newly compiled routing script. Messages already in a route finish on the
    /// old one. Only the routes change: a config whose globals, modules or module
    /// parameters differ is refused, since sockets and module state cannot change under a
    /// running server.
    public func replaceScript(with newConfig: LoadedConfig) throws(ReloadRefusal) {
        // Reloads may come from a signal and from a management command at once.
        let outcome = reloadLock.withLock {
            Result { () throws(ReloadRefusal) in try swapScript(newConfig) }
        }
        try outcome.get()
    }

    private func swapScript(_ newConfig: LoadedConfig) throws(ReloadRefusal) {
        var reasons: [String] = []
        if newConfig.globals.map(GlobalComparison.init) != config.globals.map(GlobalComparison.init) {
            reasons.append("core parameters changed")
        }
        if newConfig.modules.map(\.name) != config.modules.map(\.name) {
            reasons.append("loaded modules changed")
        }
        if newConfig.moduleParameters.map(ParameterComparison.init) != config.moduleParameters.map(ParameterComparison.init) {
            reasons.append("module parameters changed")
        }
        guard reasons.isEmpty else {
            throw ReloadRefusal(reasons: reasons)
        }
        teachMyself(newConfig.script)
        let generation = scriptGeneration + 1
        services.install(ActiveScript(script: newConfig.script, generation: generation))
        config = newConfig
        services.logger.notice("routing script reloaded (generation \(generation))")
    }

    public var scriptGeneration: Int { services.activeScript?.generation ?? 0 }

    private func startWorkers() throws {
        let factory = MessageRouterFactory(services: services)
        for listener in udpListeners {
            try listener.start(children: services.settings.children, factory: factory)
        }
        try tcpPool?.start(children: services.settings.effectiveTCPChildren, factory: factory)
        for address in boundAddresses {
            services.logger.info("listening on \(address)")
        }
    }

    /// Stops accepting, lets the workers finish the messages they hold, then stops modules.
    public func stop() {
        for listener in tcpListeners { listener.stop() }
        for listener in udpListeners { listener.stop() }
        tcpPool?.stop()
        services.sendPath.removeAll()
        try? eventLoops?.syncShutdownGracefully()
        eventLoops = nil
        tcpListeners.removeAll()
        udpListeners.removeAll()
        tcpPool = nil
        for module in loadedModules.reversed() { module.stop() }
    }
}
