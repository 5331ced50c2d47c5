/// The routes of a configuration, compiled once. Immutable after loading, so every worker
/// thread runs it at the same time; all per-message state lives in the ScriptContext.
public final class CompiledScript: @unchecked Sendable {
    private let requestRoute: CompiledRoute?
    private let coreReplyRoute: CompiledRoute?
    private let onSendRoute: CompiledRoute?
    private let routes: [RouteKind: CompiledRoute]
    let limits: ExecutionLimits
    /// The addresses `myself` matches; filled from `listen`/`alias`, extended by the runtime.
    public let myself: MyselfMatcher

    /// The scope the routes were compiled in, for module parameters that name pseudo-variables.
    private let environment: CompileEnvironment?

    init(routes: [RouteKind: CompiledRoute], limits: ExecutionLimits, myself: MyselfMatcher,
         environment: CompileEnvironment? = nil) {
        self.environment = environment
        self.routes = routes
        self.requestRoute = routes[.request]
        self.coreReplyRoute = routes[.coreReply]
        self.onSendRoute = routes[.onSend]
        self.limits = limits
        self.myself = myself
    }

    deinit {
        // Routes that call each other hold each other through their closures; let them go.
        for route in routes.values { route.actions = [] }
    }

    /// Binds a pseudo-variable written in a module parameter (acc's `log_extra` "src=$fU") in
    /// this script's scope: the same names, modules and errors as in a route.
    public func bindPseudoVariable(_ text: String, at location: SourceLocation) throws(Diagnostic) -> PseudoVariableReference {
        guard let environment else { throw .error("pseudo-variables cannot be bound here", at: location) }
        return try environment.bindPseudoVariable(text: text, at: location)
    }

    public func hasRoute(_ kind: RouteKind) -> Bool {
        route(for: kind) != nil
    }

    /// Every route defined, for listings and checks.
    public var routeKinds: [RouteKind] { Array(routes.keys) }

    @inline(__always) private func route(for kind: RouteKind) -> CompiledRoute? {
        switch kind {
        case .request: return requestRoute
        case .coreReply: return coreReplyRoute
        case .onSend: return onSendRoute
        default: return routes[kind]
        }
    }

    /// A route looked up once, to run many times without a name lookup.
    public struct RouteHandle {
        let route: CompiledRoute
        public var kind: RouteKind { route.kind }
    }

    public func handle(for kind: RouteKind) -> RouteHandle? {
        route(for: kind).map(RouteHandle.init)
    }

    /// Runs a route on a message. A route that does not exist does nothing (returns 1).
    public func run(_ kind: RouteKind, _ ctx: ScriptContext) -> RouteOutcome {
        guard let route = route(for: kind) else {
            return RouteOutcome(returnCode: 1, dropped: false, exited: false)
        }
        return run(route, ctx)
    }

    public func run(_ handle: RouteHandle, _ ctx: ScriptContext) -> RouteOutcome {
        run(handle.route, ctx)
    }

    private func run(_ route: CompiledRoute, _ ctx: ScriptContext) -> RouteOutcome {
        ctx.routeType = route.kind.routeType
        ctx.runFlags = []
        ctx.lastReturnCode = 0
        ctx.depth = 1
        let ret = runSteps(route.steps, ctx)
        let flags = ctx.runFlags
        ctx.runFlags = []
        ctx.depth = 0
        return RouteOutcome(returnCode: ret, dropped: flags.contains(.drop), exited: flags.contains(.exit))
    }
}
