/// One compiled statement: runs it and returns its value (Kamailio's action return value).
typealias Action = (ScriptContext) -> Int

/// An action as kept in a list. Arrays and Optionals store a bare closure in its most general
/// form, so every call would go through a conversion thunk; a struct field keeps the closure
/// as it was compiled.
struct ActionStep {
    let run: Action

    init(_ run: @escaping Action) { self.run = run }
}

/// Limits that come from the globals (`max_while_loops`, `max_recursive_level`).
struct ExecutionLimits: Sendable {
    var maxWhileLoops = 100
    var maxRecursionDepth = 256
}

/// A route block compiled to actions. A class so `route(NAME)` calls compiled before the
/// route's own body can refer to it.
final class CompiledRoute {
    let kind: RouteKind
    let location: SourceLocation
    var actions: [ActionStep] = []

    init(kind: RouteKind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// Runs a list of actions the way Kamailio's run_actions does: each action in turn until one
/// sets exit, return or break; the value is that of the last action run (1 for an empty list).
@inline(__always)
func runActions(_ actions: [ActionStep], from start: Int = 0, _ ctx: ScriptContext) -> Int {
    var ret = 1
    var i = start
    let n = actions.count
    while i < n {
        ret = actions[i].run(ctx)
        if !ctx.runFlags.isDisjoint(with: RunFlags.stopsBlock) {
            if ctx.runFlags.contains(.exit) { ctx.lastReturnCode = ret }
            break
        }
        i += 1
    }
    return ret
}

/// `route(NAME)`: runs the route, makes its value `$rc`, and absorbs its return/break.
@inline(__always)
func callRoute(_ route: CompiledRoute, _ ctx: ScriptContext, limits: ExecutionLimits) -> Int {
    guard ctx.depth < limits.maxRecursionDepth else {
        ctx.worker.logger.error("too many nested route() calls (\(limits.maxRecursionDepth)) calling \(route.kind) at \(route.location)")
        return -1
    }
    ctx.depth += 1
    let ret = runActions(route.actions, ctx)
    ctx.depth -= 1
    ctx.lastReturnCode = ret
    ctx.runFlags.subtract([.return, .break])
    return ret
}
