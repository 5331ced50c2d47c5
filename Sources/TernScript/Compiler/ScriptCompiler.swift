import SIPCore

/// Checks a parsed configuration against the declarations in scope and compiles it: globals,
/// modules and their parameters, then every route to closures. Each problem is reported once,
/// at its own location, and compiling goes on so all independent errors are found in one run.
final class ScriptCompiler {
    let sink: DiagnosticSink
    let symbols: ScriptSymbols
    let environment = CompileEnvironment()
    let myself = MyselfMatcher()
    var limits = ExecutionLimits()

    // Results.
    var globals: [GlobalSetting] = []
    var moduleLoads: [ModuleLoad] = []
    var moduleParameters: [ModuleParameterSetting] = []

    // Modules.
    var availableModules: [String: ModuleDeclaration] = [:]
    var loadedModules: [ModuleDeclaration] = []
    var loadedModuleLocations: [String: SourceLocation] = [:]
    /// Function name → declarations in scope (core first, then loaded modules in load order).
    var functions: [String: [FunctionDeclaration]] = [:]
    /// Function name → a module that exports it but is not loaded.
    var unloadedFunctionModules: [String: String] = [:]

    // Routes.
    var compiledRoutes: [RouteKind: CompiledRoute] = [:]
    var namedRoutes: [String: CompiledRoute] = [:]
    /// While compiling a route: the route types it can run as (empty when nothing reaches it).
    var currentRouteTypes: RouteTypes = []
    /// While compiling a named route: where it is called from, for route-type messages.
    var currentRouteCallers: [RouteTypes: SourceLocation] = [:]
    var currentRouteKind: RouteKind = .request

    init(symbols: ScriptSymbols, sink: DiagnosticSink) {
        self.symbols = symbols
        self.sink = sink
        for m in symbols.availableModules where availableModules[m.name] == nil {
            availableModules[m.name] = m
        }
    }

    func report(_ d: Diagnostic) {
        if isExplainedByPendingModule(d) { return }
        sink.report(d)
    }

    // MARK: - Whole file

    func compile(_ ast: ConfigAST) -> CompiledScript {
        // Top-level items in file order: a modparam needs its module loaded before it.
        for item in ast.items {
            switch item {
            case .global(let g): compileGlobal(g)
            case .loadModule(let name, let location): loadModule(name, at: location)
            case .moduleParameter(let p): compileModuleParameter(p)
            case .flags(let flags): declareFlags(flags)
            case .route: break
            }
        }
        setUpScope()
        let routeBlocks = ast.items.compactMap { item -> RouteBlockSyntax? in
            if case .route(let r) = item { return r }
            return nil
        }
        declareRoutes(routeBlocks)
        let reach = RouteGraph(routes: routeBlocks, compiledKinds: routeKinds(routeBlocks))
        for block in routeBlocks {
            guard let kind = routeKind(of: block), let route = compiledRoutes[kind], route.location == block.location else { continue }
            currentRouteKind = kind
            if case .named(let name) = kind {
                currentRouteTypes = reach.types(ofNamedRoute: name)
                currentRouteCallers = reach.callers(ofNamedRoute: name)
            } else {
                currentRouteTypes = kind.routeType
                currentRouteCallers = [:]
            }
            route.actions = compileStatements(block.body)
        }
        return CompiledScript(routes: compiledRoutes, limits: limits, myself: myself, environment: environment)
    }

    /// Puts the pseudo-variables, transformations and functions of the core and of the loaded
    /// modules in scope (and remembers what unloaded modules would have added).
    private func setUpScope() {
        for pv in CorePseudoVariables.all { environment.add(pv) }
        for pv in symbols.corePseudoVariables { environment.add(pv) }
        for m in loadedModules {
            for pv in m.pseudoVariables { environment.add(pv) }
            for t in m.transformations { environment.add(t) }
        }
        let loadedNames = Set(loadedModules.map(\.name))
        for m in symbols.availableModules where !loadedNames.contains(m.name) {
            for pv in m.pseudoVariables { environment.addUnloaded(pv, module: m.name) }
            for f in m.functions where unloadedFunctionModules[f.name] == nil {
                unloadedFunctionModules[f.name] = m.name
            }
        }
        for f in symbols.coreFunctions { functions[f.name, default: []].append(f) }
        for m in loadedModules {
            for f in m.functions { functions[f.name, default: []].append(f) }
        }
    }

    // MARK: - Flags

    private func declareFlags(_ flags: [FlagDeclaration]) {
        var next = (environment.flagNames.values.max() ?? -1) + 1
        for f in flags {
            if environment.flagNames[f.name] != nil {
                report(.error("flag '\(f.name)' is declared twice", at: f.location))
                continue
            }
            let bit = f.bit ?? next
            guard (0...31).contains(bit) else {
                report(.error("flag number \(bit) is out of range (0 to 31)", at: f.location))
                continue
            }
            environment.flagNames[f.name] = bit
            next = max(next, bit + 1)
        }
    }

    // MARK: - Routes

    private func routeKind(of block: RouteBlockSyntax) -> RouteKind? {
        let name = block.name ?? ""
        switch block.kind {
        case .request: return .request
        case .named: return .named(name)
        case .failure: return .failure(name)
        case .onReply: return .onReply(name)
        case .coreReply: return .coreReply
        case .branch: return .branch(name)
        case .onSend: return .onSend
        case .event: return .event(name)
        }
    }

    private func routeKinds(_ blocks: [RouteBlockSyntax]) -> [RouteKind] {
        blocks.compactMap(routeKind)
    }

    private func declareRoutes(_ blocks: [RouteBlockSyntax]) {
        for block in blocks {
            guard let kind = routeKind(of: block) else { continue }
            if case .event(let name) = kind, !ScriptCompiler.isValidEventRouteName(name) {
                report(.error("bad event route name '\(name)'", at: block.nameLocation,
                              hint: "event routes are named module:event, e.g. event_route[xhttp:request]"))
            }
            if let existing = compiledRoutes[kind] {
                report(Diagnostic(.error, at: block.nameLocation, "\(kind) is defined twice",
                                  notes: [Diagnostic(.note, at: existing.location, "first defined here")]))
                continue
            }
            let route = CompiledRoute(kind: kind, location: block.location)
            compiledRoutes[kind] = route
            if case .named(let name) = kind { namedRoutes[name] = route }
        }
    }

    /// `[a-zA-Z][0-9a-zA-Z-]*(:[a-zA-Z][0-9a-zA-Z_-]*)+`
    static func isValidEventRouteName(_ name: String) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        for (i, part) in parts.enumerated() {
            guard let first = part.utf8.first, isLetter(first) else { return false }
            for b in part.utf8 where !(isLetter(b) || isDigit(b) || b == UInt8(ascii: "-") || (i > 0 && b == UInt8(ascii: "_"))) {
                return false
            }
        }
        return true
    }
}
