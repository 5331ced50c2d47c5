/// Which route types can reach each `route[NAME]` block through static `route(NAME)` calls, so
/// a function is checked against every kind of route it may run in (Kamailio checks the same
/// way: from each top route down through the routes it calls).
struct RouteGraph {
    private var typesByName: [String: RouteTypes] = [:]
    /// For messages: one call site per route type that reaches a named route.
    private var callSites: [String: [RouteTypes: SourceLocation]] = [:]

    init(routes: [RouteBlockSyntax], compiledKinds: [RouteKind]) {
        var calls: [String: [(String, SourceLocation)]] = [:]  // caller named route → callees
        var rootCalls: [(RouteTypes, String, SourceLocation)] = []
        for block in routes {
            var found: [(String, SourceLocation)] = []
            RouteGraph.collectCalls(block.body, into: &found)
            switch block.kind {
            case .named:
                calls[block.name ?? "", default: []].append(contentsOf: found)
            default:
                let type: RouteTypes
                switch block.kind {
                case .request: type = .request
                case .failure: type = .failure
                case .onReply: type = .onReply
                case .coreReply: type = .coreReply
                case .branch: type = .branch
                case .onSend: type = .onSend
                case .event: type = .event
                case .named: type = .request
                }
                for (callee, at) in found { rootCalls.append((type, callee, at)) }
            }
        }
        // Propagate each root type through the call graph.
        var work: [(RouteTypes, String, SourceLocation)] = rootCalls
        while let (type, name, at) = work.popLast() {
            let known = typesByName[name] ?? []
            if known.contains(type) { continue }
            typesByName[name] = known.union(type)
            if callSites[name, default: [:]][type] == nil { callSites[name, default: [:]][type] = at }
            for (callee, calleeAt) in calls[name] ?? [] {
                work.append((type, callee, calleeAt))
            }
        }
    }

    func types(ofNamedRoute name: String) -> RouteTypes {
        typesByName[name] ?? []
    }

    func callers(ofNamedRoute name: String) -> [RouteTypes: SourceLocation] {
        callSites[name] ?? [:]
    }

    /// Static route names called anywhere in the statements (also inside conditions).
    static func collectCalls(_ statements: [Statement], into found: inout [(String, SourceLocation)]) {
        for s in statements {
            switch s {
            case .call(let c):
                collectCalls(c, into: &found)
            case .assignment(_, let value, _):
                collectCalls(value, into: &found)
            case .ifElse(let c, let then, let otherwise, _):
                collectCalls(c, into: &found)
                collectCalls(then, into: &found)
                if let otherwise { collectCalls(otherwise, into: &found) }
            case .whileLoop(let c, let body, _):
                collectCalls(c, into: &found)
                collectCalls(body, into: &found)
            case .switchStatement(let subject, let cases, _):
                collectCalls(subject, into: &found)
                for c in cases { collectCalls(c.body, into: &found) }
            case .returnStatement(let e, _), .exitStatement(let e, _), .dropStatement(let e, _):
                if let e { collectCalls(e, into: &found) }
            case .block(let body, _):
                collectCalls(body, into: &found)
            case .breakStatement, .invalid:
                break
            }
        }
    }

    static func collectCalls(_ e: Expression, into found: inout [(String, SourceLocation)]) {
        switch e {
        case .call(let c): collectCalls(c, into: &found)
        case .unary(_, let x, _), .cast(_, let x, _): collectCalls(x, into: &found)
        case .binary(_, let a, let b, _):
            collectCalls(a, into: &found)
            collectCalls(b, into: &found)
        default: break
        }
    }

    static func collectCalls(_ c: CallSyntax, into found: inout [(String, SourceLocation)]) {
        if c.name == "route", c.arguments.count == 1, let name = staticRouteName(c.arguments[0]) {
            found.append((name, c.location))
        }
        for a in c.arguments { collectCalls(a, into: &found) }
    }

    /// The route name of `route(NAME)` when it is written as a constant.
    static func staticRouteName(_ e: Expression) -> String? {
        switch e {
        case .identifier(let n, _), .string(let n, _): return n
        case .int(let i, _): return String(i)
        default: return nil
        }
    }
}
