import SIPCore
import SIPTransaction
import SIPTransport
import TernRuntime
import TernScript

/// Replies received on branches: matched by our Via branch, fed to the branch's client
/// transaction, shown to onreply_route, then relayed, kept or dropped as the response context
/// decides; when every branch is done, failure_route runs or the best reply goes upstream.
extension TMCore: ReplyConsumer {
    func consume(_ reply: SIPMessage, _ receive: ReceiveInfo, worker: WorkerScriptState) -> Bool {
        guard let via = try? reply.topVia(), let range = via.branch,
              let branchID = TransactionBranchID(branchValue: reply.bytes[range])
        else { return false }
        guard let t = table.lookup(branchID.transaction) else { return false }
        statistics.repliesReceived.increment()
        let code = reply.statusCode
        let isCancelReply = (try? reply.cseq())?.method == .cancel
        t.replyLock.withLock {
            guard !t.freed, t.branches.indices.contains(branchID.branch) else { return }
            let i = branchID.branch
            if isCancelReply {
                if var machine = t.branches[i].cancel {
                    let actions = machine.handle(.response(code: code))
                    t.branches[i].cancel = machine
                    for action in actions {
                        if case .deliverResponse = action { continue }
                        perform(action, on: t, owner: .cancel(i), worker: worker)
                    }
                }
                statistics.repliesAbsorbed.increment()
            } else {
                let actions = t.branches[i].client.handle(.response(code))
                for action in actions {
                    if case .deliverResponse(let c) = action {
                        t.branches[i].lastReplyCode = c
                        if c >= 200 { t.branches[i].finalReply = reply }
                        fireCallbacks(.responseIn, t, reply: reply, code: c)
                        branchReplied(t, branch: i, reply: reply, receive: receive, code: c, worker: worker)
                    } else {
                        perform(action, on: t, owner: .branch(i), worker: worker)
                    }
                }
                if actions.isEmpty, t.isInvite, (200 ..< 300).contains(code), t.branches[i].client.isTerminated {
                    // A 2xx on a branch whose client transaction already ended (it timed out
                    // long ago) still goes upstream: 2xx are always forwarded (RFC 3261 §16.7).
                    relay(reply, code: code, on: t, worker: worker)
                } else if actions.isEmpty {
                    statistics.repliesAbsorbed.increment()
                }
            }
            releaseIfFinished(t)
        }
        return true
    }

    /// A branch gave up without a reply of its own (Timer B/F: 408; transport error: 503).
    func branchFailed(_ t: TMTransaction, branch i: Int, code: Int, worker: WorkerScriptState) {
        guard t.branches.indices.contains(i) else { return }
        // A branch that had answered provisionally is cancelled downstream (RFC 3261 §16.8).
        if t.isInvite, case .invite(let m) = t.branches[i].client, m.lastProvisional > 0 || m.state == .proceeding {
            sendCancel(t, branch: i)
        }
        let decision = t.responses.receive(code: code, on: i, timeout: true)
        apply(decision, t, reply: nil, code: code, worker: worker)
    }

    /// One reply the client transaction handed over.
    private func branchReplied(_ t: TMTransaction, branch i: Int, reply: SIPMessage, receive: ReceiveInfo,
                               code: Int, worker: WorkerScriptState) {
        var edits = EditList()
        if let name = t.onReply, let script = services.script, script.hasRoute(.onReply(name)) {
            let context = ScriptContext(message: reply, receive: receive, worker: worker, routeType: .onReply)
            context.avps = t.avps
            context.xavps = t.xavps
            context[TMKeys.state] = TMRouteState(transaction: t, branch: i, replyCode: code, reply: reply)
            let outcome = script.run(.onReply(name), context)
            // `drop` discards a provisional reply; a final one must still end the branch.
            if outcome.dropped && code < 200 { return }
            // What the route changed in the reply (append_hf …) goes upstream with it.
            if !context.edits.isEmpty {
                if code >= 200 { t.branches[i].finalReplyEdits = context.edits }
                edits = context.edits
            }
        }
        if code < 200, t.branches[i].cancelPending {
            t.branches[i].cancelPending = false
            sendCancel(t, branch: i)
        }
        let decision = t.responses.receive(code: code, on: i)
        apply(decision, t, reply: reply, code: code, worker: worker, edits: edits)
    }

    private func apply(_ decision: ProxyResponseContext.Decision, _ t: TMTransaction, reply: SIPMessage?,
                       code: Int, worker: WorkerScriptState, edits: EditList = EditList()) {
        switch decision {
        case .forward:
            if let reply { relay(reply, code: code, on: t, worker: worker, edits: edits) }
        case .forwardAndCancel(let branches):
            if let reply { relay(reply, code: code, on: t, worker: worker, edits: edits) }
            for b in branches { sendCancel(t, branch: b) }
        case .store(let cancel):
            for b in cancel { sendCancel(t, branch: b) }
            statistics.repliesAbsorbed.increment()
        case .drop:
            statistics.repliesAbsorbed.increment()
        case .completed(let branch, let code):
            allBranchesDone(t, best: branch, code: code, worker: worker)
        }
    }

    /// Every branch has a final reply: failure_route first, if armed; then the best reply.
    func allBranchesDone(_ t: TMTransaction, best: Int, code: Int, worker: WorkerScriptState) {
        if code >= 300 { fireCallbacks(.onFailure, t, reply: t.branches.indices.contains(best) ? t.branches[best].finalReply : nil, code: code) }
        if let name = t.onFailure, let script = services.script, script.hasRoute(.failure(name)) {
            // Armed once: failure_route must re-arm it for a further serial fork.
            t.onFailure = nil
            let context = requestContext(t, worker: worker, routeType: .failure)
            context[TMKeys.state] = TMRouteState(transaction: t, branch: best, replyCode: code,
                                                 reply: t.branches.indices.contains(best) ? t.branches[best].finalReply : nil)
            t.inFailureRoute = true
            _ = script.run(.failure(name), context)
            t.inFailureRoute = false
            // Flags set in failure_route arm the next attempt (acc's missed-call flag).
            t.saved.messageFlags = context.messageFlags
            if t.finalSent != nil || t.responses.hasPendingBranches { return }
        }
        guard t.finalSent == nil else { return }
        guard let chosen = t.responses.bestFinal() else {
            // Every reply was dropped (t_drop_replies) and nothing new was tried.
            sendLocalReply(t, code: settings.defaultCode, reason: settings.defaultReason, headers: [], worker: worker)
            return
        }
        if t.branches.indices.contains(chosen.branch), let reply = t.branches[chosen.branch].finalReply,
           reply.statusCode == chosen.code {
            relay(reply, code: chosen.code, on: t, worker: worker, final: true,
                  edits: t.branches[chosen.branch].finalReplyEdits)
        } else if !t.isInvite && chosen.code == 408 {
            // RFC 4320 §4.1: a non-INVITE that timed out gets no 408 upstream (the client has
            // timed out too); the server transaction just ends.
            run(t.server.forceTerminate(), on: t, owner: .server, worker: worker)
        } else {
            // A branch that timed out (or could not be sent): the reply is ours.
            sendLocalReply(t, code: chosen.code, reason: chosen.code == 408 ? "Request Timeout" : "Service Unavailable",
                           headers: [], worker: worker)
        }
    }

    /// Relays a received reply upstream through the server transaction. `final`: the chosen
    /// reply of a completed transaction (503 becomes 500, challenges are aggregated).
    func relay(_ reply: SIPMessage, code: Int, on t: TMTransaction, worker: WorkerScriptState, final: Bool = false,
               edits: EditList = EditList()) {
        var upstreamCode = code
        var extra: [UInt8] = []
        if final {
            if settings.remap503To500 { upstreamCode = ProxyResponseContext.upstreamCode(for: code) }
            if settings.aggregateChallenges, code == 401 || code == 407 {
                extra = collectChallenges(t, except: reply)
            }
        }
        guard let bytes = ReplyRewriter.upstream(reply, statusCode: upstreamCode == code ? nil : upstreamCode,
                                                 extraHeaders: extra, edits: edits)
        else { return }
        statistics.repliesRelayed.increment()
        statistics.repliesSent.increment()
        if upstreamCode >= 200 { noteFinal(t, code: upstreamCode) }
        run(t.server.send(code: upstreamCode, bytes: bytes), on: t, owner: .server, worker: worker)
        replySent(t, bytes, code: upstreamCode)
    }

    private func collectChallenges(_ t: TMTransaction, except chosen: SIPMessage) -> [UInt8] {
        var out: [UInt8] = []
        for i in t.responses.challengeBranches() {
            guard let reply = t.branches[i].finalReply, reply !== chosen else { continue }
            for field in reply.headers where field.name == .wwwAuthenticate || field.name == .proxyAuthenticate {
                out += reply.bytes[field.nameRange.lowerBound ..< field.valueRange.upperBound]
                out += [13, 10]
            }
        }
        return out
    }

    /// Bookkeeping for a final reply sent upstream (relayed or local).
    func noteFinal(_ t: TMTransaction, code: Int) {
        let first = t.finalSent == nil
        if t.finalSent == nil || (200 ..< 300).contains(code) { t.finalSent = code }
        t.responses.noteUpstreamFinal(code)
        if first {
            statistics.countCompleted(code)
            if t.countedActive {
                t.countedActive = false
                statistics.active.increment(by: -1)
            }
        }
    }
}

