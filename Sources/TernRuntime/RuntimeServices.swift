import Atomics
import Logging
import SIPCore
import SIPTransport
import TernScript

/// What modules and the router share at run time: settings, counters, the logger, the local
/// tag generator, the script now serving and the hooks modules register while the server
/// starts. Settings are immutable; hooks are registered before the first message only.
public final class RuntimeServices: @unchecked Sendable {
    public let settings: CoreSettings
    public let statistics: StatisticsRegistry
    public let core: CoreStatistics
    public let logger: Logger
    public let localTags: LocalTagGenerator
    /// True while `tern -c` configures the modules only: they check their parameters but
    /// open no database and start nothing.
    public internal(set) var isConfigCheck = false
    /// How forwarded requests and relayed replies leave (the listeners register as they bind).
    public let sendPath: SendPath
    /// RFC 3263 next-hop resolution.
    public let resolver: TargetResolver
    /// The script serving now, as an unretained pointer: loading a strong atomic reference
    /// takes two compare-and-swaps on a line every worker shares, per load. Safe because
    /// `installed` keeps every script ever installed alive (reloads are operator actions,
    /// so they are few), so a pointer read just before a reload still points at a live script.
    private let active = ManagedAtomic<UnsafeMutableRawPointer?>(nil)
    private let installLock = Lock()
    private var installed: [ActiveScript] = []
    /// Modules that take received replies before they are relayed statelessly (tm), in
    /// registration order. Written during configure/start only, read by every worker.
    @exclusivity(unchecked) public private(set) var replyConsumers: [any ReplyConsumer] = []
    /// The management commands (core, modules' `rpcCommands`) every RPC transport serves.
    public let rpc = RPCRegistry()
    /// The server's threads and their roles (`ps`, `core.ps`).
    public let processes = ProcessTable()
    /// Modules answering HTTP on the SIP stream ports (jsonrpcs, xhttp), in registration
    /// order. Written during configure/start only, read by every worker.
    @exclusivity(unchecked) public private(set) var httpHandlers: [any HTTPRequestHandler] = []

    public init(settings: CoreSettings, logger: Logger, statistics: StatisticsRegistry = StatisticsRegistry()) {
        self.settings = settings
        self.statistics = statistics
        self.core = CoreStatistics(statistics)
        self.logger = logger
        self.localTags = LocalTagGenerator(seed: settings.listens.map(\.description).joined(separator: ","))
        self.sendPath = SendPath()
        self.resolver = TargetResolver(tryIPv6: settings.listens.contains { $0.isIPv6 })
    }

    /// The routing script serving new messages now (a reload replaces it). Modules that run
    /// routes later — failure, reply, branch and event routes, continued transactions —
    /// take it from here at that moment.
    public var script: CompiledScript? { activeScript?.script }

    /// The script and its reload generation, as one value.
    public var activeScript: ActiveScript? {
        active.load(ordering: .acquiring).map { Unmanaged<ActiveScript>.fromOpaque($0).takeUnretainedValue() }
    }

    func install(_ script: ActiveScript) {
        installLock.withLock { installed.append(script) }
        active.store(Unmanaged.passUnretained(script).toOpaque(), ordering: .releasing)
    }

    /// The installed script's address: a new one for every install, since no installed script
    /// is ever freed (see `WorkerScriptCache`).
    var activeScriptAddress: UnsafeMutableRawPointer? { active.load(ordering: .acquiring) }

    /// Called from a module's `configure` or `start`: the consumer sees every valid reply
    /// after the core `reply_route` ran and before stateless relaying.
    public func addReplyConsumer(_ consumer: any ReplyConsumer) {
        replyConsumers.append(consumer)
    }

    /// Called from a module's `configure` or `start`: the handler is offered every HTTP
    /// request framed on a SIP TCP/TLS port, after the handlers added before it.
    public func addHTTPHandler(_ handler: any HTTPRequestHandler) {
        httpHandlers.append(handler)
    }
}

/// A module that claims received replies (tm matches them to client transactions).
public protocol ReplyConsumer: AnyObject, Sendable {
    /// True when the reply was taken (matched and handled, or absorbed); false lets the
    /// core relay it statelessly by its Via headers.
    func consume(_ reply: SIPMessage, _ receive: ReceiveInfo, worker: WorkerScriptState) -> Bool
}
