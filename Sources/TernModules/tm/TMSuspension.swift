import SIPCore
import SIPTransaction
import TernRuntime
import TernScript

/// Asynchronous processing (the tm API's t_suspend / t_continue / t_cancel_suspend): a
/// transaction is parked with no reply sent while the fr timer keeps running; whoever holds
/// its id later runs a named route on the saved request (with the reply lock held, where
/// t_relay adds branches and t_reply answers), or nobody does and failure_route runs on a
/// local 408 as for a branch that timed out.
extension TMCore {
    /// The suspension deadline lives on the async wheel under the transaction's id.
    private func suspensionKey(_ id: TransactionID) -> TMTimerKey {
        TMTimerKey(transaction: id, owner: .lifetime, timer: .b)
    }

    /// Parks the transaction of `context`, making it first when the request has none.
    func suspend(_ context: ScriptContext) -> TransactionID? {
        let t: TMTransaction
        if let existing = transaction(of: context) {
            t = existing
        } else {
            guard case .created(let made) = newTransaction(context) else { return nil }
            t = made
        }
        let suspended = t.replyLock.withLock { () -> Bool in
            guard !t.freed, t.finalSent == nil else { return false }
            if t.asyncState.suspended { return true }
            // What the script did so far is what the continuation route starts from.
            if !t.inFailureRoute { t.saved = SavedRequestState(context) }
            t.avps = context.avps
            t.xavps = context.xavps
            t.asyncState.suspended = true
            asyncState.timers.start(suspensionKey(t.id), after: t.frTimer ?? settings.frTimer)
            return true
        }
        guard suspended else { return nil }
        asyncState.ensureRunning()
        return t.id
    }

    /// t_continue: runs `route[routeName]` on the suspended transaction's request. False when
    /// the transaction is gone, not suspended (continued or timed out already) or the route
    /// does not exist.
    func resume(_ id: TransactionID, routeName: String, worker: WorkerScriptState) -> Bool {
        guard let script = services.script, script.hasRoute(.named(routeName)) else {
            worker.logger.error("t_continue: no route[\(routeName)]")
            return false
        }
        guard let t = table.lookup(id) else { return false }
        return t.replyLock.withLock { () -> Bool in
            guard !t.freed, t.asyncState.suspended else { return false }
            t.asyncState.suspended = false
            asyncState.timers.cancel(suspensionKey(id))
            // Answered meanwhile (a CANCEL's 487): nothing is left to continue.
            guard t.finalSent == nil else { return false }
            let context = requestContext(t, worker: worker, routeType: .request)
            // Suspended from failure_route: t_relay there adds to the earlier branches.
            let inFailure = !t.branches.isEmpty
            t.inFailureRoute = inFailure
            _ = script.run(.named(routeName), context)
            t.inFailureRoute = false
            t.avps = context.avps
            t.xavps = context.xavps
            if t.finalSent == nil, !t.responses.hasPendingBranches, !t.asyncState.suspended {
                // The route neither relayed nor answered nor suspended again: nobody else will.
                worker.logger.error("t_continue: route[\(routeName)] left transaction \(id) unanswered; replying \(settings.defaultCode)")
                sendLocalReply(t, code: settings.defaultCode, reason: settings.defaultReason, headers: [], worker: worker)
            }
            releaseIfFinished(t)
            return true
        }
    }

    /// t_cancel_suspend: the transaction is no longer suspended and its deadline is gone; the
    /// caller goes on with it as if t_suspend had not been called.
    func cancelSuspension(_ id: TransactionID) -> Bool {
        guard let t = table.lookup(id) else { return false }
        return t.replyLock.withLock { () -> Bool in
            guard !t.freed, t.asyncState.suspended else { return false }
            t.asyncState.suspended = false
            asyncState.timers.cancel(suspensionKey(id))
            return true
        }
    }

    /// Nobody continued in time: as a branch that timed out — the failure callbacks, then
    /// failure_route (which sees 408), then a 408 upstream unless it answered or relayed.
    func suspensionExpired(_ id: TransactionID) {
        guard let t = table.lookup(id) else { return }
        let worker = asyncState.timerWorker
        t.replyLock.withLock {
            guard !t.freed, t.asyncState.suspended else { return }
            t.asyncState.suspended = false
            guard t.finalSent == nil else { return }
            fireCallbacks(.onFailure, t, code: 408)
            if let name = t.onFailure, let script = services.script, script.hasRoute(.failure(name)) {
                t.onFailure = nil
                let context = requestContext(t, worker: worker, routeType: .failure)
                context[TMKeys.state] = TMRouteState(transaction: t, branch: nil, replyCode: 408, reply: nil)
                t.inFailureRoute = true
                _ = script.run(.failure(name), context)
                t.inFailureRoute = false
                // Flags set in failure_route arm the next attempt (acc's missed-call flag).
                t.saved.messageFlags = context.messageFlags
            }
            if t.finalSent == nil, !t.responses.hasPendingBranches, !t.asyncState.suspended {
                sendLocalReply(t, code: 408, reason: "Request Timeout", headers: [], worker: worker)
            }
            releaseIfFinished(t)
        }
    }

    func isSuspended(_ t: TMTransaction) -> Bool {
        t.replyLock.withLock { t.asyncState.suspended }
    }
}

// MARK: - TransactionService and tmx's script side

extension TMModule {
    func suspend(_ context: ScriptContext) -> TransactionID? {
        engine?.suspend(context)
    }

    func resume(_ id: TransactionID, routeName: String) -> Bool {
        guard let engine else { return false }
        // Called from a thread of the caller's (a module's worker, a callback): a script state
        // of its own for the route.
        return engine.resume(id, routeName: routeName, worker: WorkerScriptState(logger: engine.logger))
    }

    func cancelSuspension(_ id: TransactionID) -> Bool {
        engine?.cancelSuspension(id) ?? false
    }

    /// tmx: t_suspend(), t_continue(index, label, route), t_cancel_suspend(index, label).
    var suspensionFunctions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "t_suspend", argumentCounts: 0 ... 0, routeTypes: [.request, .failure]) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in
                    guard let engine = self.engine else { return -1 }
                    guard engine.suspend(context) != nil else {
                        context.worker.logger.error("t_suspend: the transaction cannot be suspended (answered already, or no transaction can be made)")
                        return -1
                    }
                    return 1
                }
            },
            FunctionDeclaration(name: "t_continue", argumentCounts: 3 ... 3, routeTypes: .any,
                                argumentKinds: [.integer, .integer, .literal]) {
                [unowned self] args, _ throws(Diagnostic) in
                let index = args[0], label = args[1], route = args[2]
                let constantRoute = route.constantString
                return { context in
                    guard let engine = self.engine,
                          let id = Self.transactionID(index.evaluateInt(context), label.evaluateInt(context)) else {
                        context.worker.logger.error("t_continue: the transaction index and label must be non-negative numbers")
                        return -1
                    }
                    let name = constantRoute ?? route.evaluateString(context) ?? ""
                    return engine.resume(id, routeName: name, worker: context.worker) ? 1 : -1
                }
            },
            FunctionDeclaration(name: "t_cancel_suspend", argumentCounts: 2 ... 2, routeTypes: .any,
                                argumentKinds: [.integer, .integer]) {
                [unowned self] args, _ throws(Diagnostic) in
                let index = args[0], label = args[1]
                return { context in
                    guard let engine = self.engine,
                          let id = Self.transactionID(index.evaluateInt(context), label.evaluateInt(context)) else { return -1 }
                    return engine.cancelSuspension(id) ? 1 : -1
                }
            },
        ]
    }

    static func transactionID(_ index: Int?, _ label: Int?) -> TransactionID? {
        guard let index, let label, let h = UInt32(exactly: index), let l = UInt32(exactly: label) else { return nil }
        return TransactionID(hashIndex: h, label: l)
    }

    /// tmx's `$T(key)`: id_index, id_label (the current transaction's, null without one),
    /// id_index_n, id_label_n (made now when missing), reply_code, reply_reason, reply_last (the
    /// last reply received on a branch), branch_index, reply_type (1 for a locally made reply
    /// in failure_route, else 0).
    var transactionPseudoVariable: PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: "T", innerName: .required) { [unowned self] binding throws(Diagnostic) in
            let key = binding.inner ?? ""
            let get: (ScriptContext) -> ScriptValue
            switch key {
            case "id_index", "id_label", "id_index_n", "id_label_n":
                let wantsLabel = key.hasPrefix("id_label")
                let create = key.hasSuffix("_n")
                get = { context in
                    guard let engine = self.engine else { return .null }
                    var t = engine.transaction(of: context)
                    if t == nil, create, case .created(let made) = engine.newTransaction(context) { t = made }
                    guard let t else { return .null }
                    return .int(Int(wantsLabel ? t.id.label : t.id.hashIndex))
                }
            case "reply_code":
                get = { context in self.currentStatus(context).map { .int($0) } ?? .null }
            case "reply_reason":
                get = { context in
                    if context.message.kind == .response { return .string(context.message.string(context.message.reasonRange)) }
                    guard let reply = self.engine?.state(context)?.reply else { return .null }
                    return .string(reply.string(reply.reasonRange))
                }
            case "reply_last":
                get = { context in
                    if context.message.kind == .response { return .int(context.message.statusCode) }
                    guard let t = self.engine?.transaction(of: context) else { return .null }
                    let code = t.replyLock.withLock { t.branches.last(where: { $0.lastReplyCode > 0 })?.lastReplyCode }
                    return code.map { .int($0) } ?? .null
                }
            case "branch_index":
                get = { context in .int(self.engine?.state(context)?.branch ?? 0) }
            case "reply_type":
                get = { context in
                    guard let state = self.engine?.state(context), context.routeType.contains(.failure) else { return .int(0) }
                    return .int(state.reply == nil && state.replyCode > 0 ? 1 : 0)
                }
            default:
                throw binding.error("$T(\(key)) is not known",
                                    hint: "id_index, id_label, id_index_n, id_label_n, reply_code, reply_reason, reply_last, branch_index, reply_type")
            }
            return PseudoVariableAccessors(get: get)
        }
    }
}
