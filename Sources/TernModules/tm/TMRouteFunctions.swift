import SIPCore
import SIPTransport
import TernRuntime
import TernScript

/// Script functions that arm routes and timers, and ask about branches and status.
extension TMModule {
    enum ArmedRoute { case failure, reply, branch, branchFailure }

    func armFunction(_ name: String, _ which: ArmedRoute, routes: RouteTypes) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 1 ... 1, routeTypes: routes, argumentKinds: [.literal]) {
            [unowned self] args, _ throws(Diagnostic) in
            let constant = args[0].constantString
            let argument = args[0]
            return { context in
                let route = constant ?? argument.evaluateString(context) ?? ""
                self.arm(context, which, route.isEmpty ? nil : route)
                return 1
            }
        }
    }

    func arm(_ context: ScriptContext, _ which: ArmedRoute, _ route: String?) {
        if let t = engine?.transaction(of: context) {
            t.replyLock.withLock {
                switch which {
                case .failure: t.onFailure = route
                case .reply: t.onReply = route
                case .branch: t.onBranch = route
                case .branchFailure: break
                }
            }
        }
        var armed = context[TMKeys.armed] ?? TMArmed()
        switch which {
        case .failure: armed.onFailure = route
        case .reply: armed.onReply = route
        case .branch: armed.onBranch = route
        case .branchFailure: break
        }
        context[TMKeys.armed] = armed
    }

    /// t_is_set("failure_route" | "branch_route" | "onreply_route").
    func isSet(_ context: ScriptContext, _ target: String) -> Int {
        let armed = context[TMKeys.armed]
        let t = engine?.transaction(of: context)
        let value: String?
        switch target {
        case "failure_route": value = t.map { t in t.replyLock.withLock { t.onFailure } } ?? armed?.onFailure
        case "branch_route": value = t.map { t in t.replyLock.withLock { t.onBranch } } ?? armed?.onBranch
        case "onreply_route": value = t.map { t in t.replyLock.withLock { t.onReply } } ?? armed?.onReply
        default: return -1
        }
        return value == nil ? -1 : 1
    }

    /// t_set_fr(fr_inv[, fr]) in milliseconds; 0 keeps the module value.
    func setFr(_ context: ScriptContext, invite: Int?, nonInvite: Int?) -> Int {
        var armed = context[TMKeys.armed] ?? TMArmed()
        if let invite { armed.frInvTimer = invite > 0 ? Int64(invite) : nil }
        if let nonInvite { armed.frTimer = nonInvite > 0 ? Int64(nonInvite) : nil }
        context[TMKeys.armed] = armed
        if let t = engine?.transaction(of: context) {
            t.replyLock.withLock {
                if invite != nil { t.frInvTimer = armed.frInvTimer }
                if nonInvite != nil { t.frTimer = armed.frTimer }
            }
        }
        return 1
    }

    func resetFr(_ context: ScriptContext) -> Int {
        context[TMKeys.armed]?.frTimer = nil
        context[TMKeys.armed]?.frInvTimer = nil
        if let t = engine?.transaction(of: context) {
            t.replyLock.withLock {
                t.frTimer = nil
                t.frInvTimer = nil
            }
        }
        return 1
    }

    /// Questions about branches: the failed branch (t_branch_timeout, t_branch_replied) or any
    /// branch (t_any_timeout, t_any_replied), t_is_canceled.
    func branchQuestion(_ context: ScriptContext, _ question: (TMTransaction, Int?) -> Bool) -> Int {
        guard let state = engine?.state(context) else { return -1 }
        let t = state.transaction
        return t.replyLock.withLock { question(t, state.branch) } ? 1 : -1
    }

    /// The status the route is about: the reply's in reply routes, the winning one in
    /// failure_route, else the last one sent upstream.
    func currentStatus(_ context: ScriptContext) -> Int? {
        if context.message.kind == .response { return context.message.statusCode }
        guard let state = engine?.state(context) else { return nil }
        if state.replyCode > 0 { return state.replyCode }
        let code = state.transaction.replyLock.withLock { state.transaction.server.lastCode }
        return code > 0 ? code : nil
    }

    /// t_drop_replies(["a"|"n"|"l"]).
    func dropReplies(_ context: ScriptContext, mode: String) -> Int {
        guard let t = engine?.transaction(of: context) else { return -1 }
        switch mode {
        case "n": return 1
        case "l": t.replyLock.withLock { t.responses.dropFinalReplies(lastOnly: true) }
        default: t.replyLock.withLock { t.responses.dropFinalReplies() }
        }
        return 1
    }
}
