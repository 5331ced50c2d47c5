/// One compiled statement: runs it and returns its value (Kamailio's action return value).
typealias Action = (ScriptContext) -> Int

/// An action as kept in a list. Arrays and Optionals store a bare closure in its most general
/// form, so every call would go through a conversion thunk; a field keeps the closure as it
/// was compiled. A class, so that `runSteps` can call it through a borrowed reference: a
/// closure loaded from an array element is retained for the call, and the compiled script is
/// shared by every worker thread, so each retain would move its cache line between cores.
final class ActionStep {
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
    /// Set once when the body is compiled (and emptied to break reference cycles).
    var actions: [ActionStep] = [] {
        didSet {
            stepsOwner = StepsOwner(actions)
            steps = UnsafeBufferPointer(stepsOwner.storage)
        }
    }
    /// The same actions as a plain buffer, which may be read without retaining anything:
    /// reading `actions` (a var) per message would retain the array all workers share.
    /// Valid while `actions` is unchanged, i.e. while the script lives.
    @exclusivity(unchecked) private(set) var steps: UnsafeBufferPointer<ActionStep>
    private var stepsOwner: StepsOwner

    init(kind: RouteKind, location: SourceLocation) {
        self.kind = kind
        self.location = location
        stepsOwner = StepsOwner([])
        steps = UnsafeBufferPointer(stepsOwner.storage)
    }
}

/// Owns the buffer behind `CompiledRoute.steps`.
final class StepsOwner {
    let storage: UnsafeMutableBufferPointer<ActionStep>

    init(_ actions: [ActionStep]) {
        storage = .allocate(capacity: actions.count)
        _ = storage.initialize(from: actions)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }
}

/// Runs a list of actions the way Kamailio's run_actions does: each action in turn until one
/// sets exit, return or break; the value is that of the last action run (1 for an empty list).
@inline(__always)
func runActions(_ actions: [ActionStep], from start: Int = 0, _ ctx: ScriptContext) -> Int {
    actions.withUnsafeBufferPointer { runSteps($0, from: start, ctx) }
}

/// `runActions` over a buffer: each action is called through a borrowed reference, so
/// neither it nor its closure's context is retained.
@inline(__always)
func runSteps(_ steps: UnsafeBufferPointer<ActionStep>, from start: Int = 0, _ ctx: ScriptContext) -> Int {
    var ret = 1
    var i = start
    let n = steps.count
    while i < n {
        ret = Unmanaged.passUnretained(steps[i])._withUnsafeGuaranteedRef { $0.run(ctx) }
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
    let ret = runSteps(route.steps, ctx)
    ctx.depth -= 1
    ctx.lastReturnCode = ret
    ctx.runFlags.subtract([.return, .break])
    return ret
}
