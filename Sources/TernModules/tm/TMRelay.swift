import SIPCore
import SIPTransaction
import SIPTransport
import TernRuntime
import TernScript

/// Where t_relay's variants send instead of `$du`/R-URI: `t_relay(host, port)`,
/// `t_relay_to_udp(…)`, `t_relay_to("udp:1.2.3.4:5060")`.
struct RelayOverride {
    var host: String?
    var port: Int?
    var proto: TransportProtocol?
}

/// What one branch's request is made of: the relaying route's state, or what branch_route
/// left of it.
private struct BranchRequest {
    var newRequestURI: String?
    var destinationURI: String?
    var edits: EditList
    var flags: UInt32
    var sendOptions: SendOptions

    /// $du when set, else the (new) R-URI (as ScriptContext.nextHopURI).
    func nextHopURI(_ request: SIPMessage) -> String {
        if let destinationURI, !destinationURI.isEmpty { return destinationURI }
        return newRequestURI ?? request.string(request.requestURIRange)
    }
}

/// t_relay: the stateful forward (RFC 3261 §16.6) over the R-URI and the destination set.
extension TMCore {
    func relay(_ context: ScriptContext, override: RelayOverride? = nil) -> Int {
        let request = context.message
        guard request.kind == .request else { return -1 }
        if request.methodIs(.ack) { return relayACK(context, override: override) }
        if request.methodIs(.cancel), transaction(of: context) == nil, let key = RequestMatchKey(request),
           let invite = findCanceled(key) {
            return relayCancel(context, invite: invite)
        }
        let t: TMTransaction
        switch newTransaction(context) {
        case .created(let made): t = made
        case .retransmission: return 0
        case .failed(let why):
            context.worker.logger.error("t_relay: \(why)")
            return -1
        }
        return t.replyLock.withLock { () -> Int in
            guard t.finalSent == nil else {
                context.worker.logger.error("t_relay: the transaction was already answered (\(t.finalSent ?? 0))")
                return -1
            }
            if !t.inFailureRoute {
                // A second t_relay in the same request route would fork the request twice.
                guard t.branches.isEmpty else {
                    context.worker.logger.error("t_relay: the request was already relayed")
                    return -1
                }
                t.saved = SavedRequestState(context)
                if t.isInvite, settings.autoInvite100, t.server.lastCode == 0 {
                    sendLocalReply(t, code: 100, reason: settings.autoInvite100Reason, headers: [], worker: context.worker)
                }
            }
            let ruri = context.outgoingRequestURI
            var sent = 0
            if context.branches.isEmpty {
                // The usual case: the R-URI alone, no list of candidates to build.
                if forwardBranch(t, context: context, uri: ruri, destination: context.destinationURI,
                                 path: context.pathVector, flags: context.requestBranchFlags, override: override) {
                    sent = 1
                }
            } else {
                var candidates: [(uri: String, du: String?, path: String?, flags: UInt32)] = []
                let includeMain = !t.inFailureRoute
                    || context.newRequestURI != t.saved.newRequestURI || context.destinationURI != t.saved.destinationURI
                if includeMain {
                    candidates.append((ruri, context.destinationURI, context.pathVector, context.requestBranchFlags))
                }
                for branch in context.branches {
                    candidates.append((branch.uri, branch.destinationURI, branch.path, branch.flags))
                }
                context.branches.removeAll()
                for candidate in candidates
                where forwardBranch(t, context: context, uri: candidate.uri, destination: candidate.du,
                                    path: candidate.path, flags: candidate.flags, override: override) {
                    sent += 1
                }
            }
            let result = sent > 0 ? 1 : -1
            if sent == 0 { context.worker.logger.error("t_relay: no branch could be sent (\(ruri))") }
            releaseIfFinished(t)
            return result
        }
    }

    /// Sends one branch. False when its next hop cannot be resolved or reached, or
    /// branch_route / onsend_route dropped it.
    private func forwardBranch(_ t: TMTransaction, context: ScriptContext, uri: String, destination: String?,
                               path: String?, flags: UInt32, override: RelayOverride?) -> Bool {
        let index = t.branches.count
        var edits = context.edits
        if let path, !path.isEmpty { PathRoute.insert(path, into: &edits, of: t.request) }
        var branch = BranchRequest(
            // Compared as bytes first: no String made of the received R-URI for the main branch
            // (the String comparison still decides for text that is not plain UTF-8).
            newRequestURI: uri.utf8.elementsEqual(t.request.bytes[t.request.requestURIRange])
                || uri == t.request.string(t.request.requestURIRange) ? context.newRequestURI : uri,
            destinationURI: destination, edits: edits, flags: flags, sendOptions: context.sendOptions)
        // branch_route sees (and may change) this branch alone, on a context of its own; one
        // is made only when a route will see it or a forced socket is to be read from it.
        let script = services.script
        let branchRoute = t.onBranch.flatMap { name in script?.hasRoute(.branch(name)) == true ? name : nil }
        var branchContext: ScriptContext?
        if branchRoute != nil || context.forcedSendSocket != nil || script?.hasRoute(.onSend) == true {
            let made = ScriptContext(message: t.request, receive: t.receive, worker: context.worker, routeType: .branch)
            made.newRequestURI = branch.newRequestURI
            made.destinationURI = destination
            made.pathVector = path
            made.edits = edits
            made.messageFlags = context.messageFlags
            made.requestBranchFlags = flags
            made.sendOptions = context.sendOptions
            made.forcedSendSocket = context.forcedSendSocket
            made.avps = t.avps
            made.xavps = t.xavps
            made[TMKeys.state] = TMRouteState(transaction: t, branch: index, replyCode: 0, reply: nil)
            if let name = branchRoute, let script {
                if script.run(.branch(name), made).dropped { return false }
                branch = BranchRequest(newRequestURI: made.newRequestURI, destinationURI: made.destinationURI,
                                       edits: made.edits, flags: made.requestBranchFlags, sendOptions: made.sendOptions)
            }
            branchContext = made
        }
        let nextHopURI = branch.nextHopURI(t.request)
        let targets: [SendTarget]
        if let override, let host = override.host {
            targets = services.resolver.resolve(host: host, port: override.port, proto: override.proto ?? t.receive.proto)
        } else {
            var resolved = services.resolver.resolve(uri: nextHopURI)
            if let proto = override?.proto {
                resolved = resolved.map { SendTarget(proto: proto, address: $0.address) }
            }
            targets = resolved
        }
        guard let target = targets.first else {
            context.worker.logger.error("t_relay: cannot resolve \(nextHopURI)")
            return false
        }
        let forced = branchContext?.forcedListenAddress
        guard let local = services.sendPath.localAddress(toward: target, from: forced) else {
            context.worker.logger.error("t_relay: no socket to send to \(target)")
            return false
        }
        let branchID = TransactionBranchID(transaction: t.id, branch: index).description
        let via = ViaLine.make(proto: target.proto, sentBy: local, branch: branchID,
                               rport: branch.sendOptions.contains(.addLocalRport))
        let bytes = OutgoingRequest.build(t.request, edits: branch.edits, requestURI: branch.newRequestURI, topVia: via)
        if let branchContext {
            guard OnSendRoute.allows(bytes, to: target, from: local, context: branchContext, services: services) else { return false }
        }
        var timerValues = settings.timerValues
        let fr = t.frTimer ?? settings.frTimer
        timerValues.inviteTimeout = fr
        timerValues.nonInviteTimeout = fr
        let client: ClientMachine = t.isInvite
            ? .invite(InviteClientTransaction(request: bytes, reliable: target.proto.isReliable, timers: timerValues,
                                              proceedingTimeout: t.frInvTimer ?? settings.frInvTimer,
                                              restartTimeoutOnProvisional: settings.restartFrOnEachReply))
            : .nonInvite(NonInviteClientTransaction(request: bytes, reliable: target.proto.isReliable, timers: timerValues))
        let sent = TMBranch(index: index, uri: branch.newRequestURI ?? uri, destinationURI: destination,
                            target: target, local: forced, requestBytes: bytes, viaBranch: branchID,
                            client: client, flags: branch.flags)
        t.branches.append(sent)
        let added = t.responses.addBranch()
        guard added == index else { return false }
        statistics.clientTransactions.increment()
        let actions = sent.client.handle(.start)
        run(actions, on: t, owner: .branch(index), worker: context.worker)
        return true
    }

    /// ACK: one for a non-2xx final reply of ours, or for a 2xx t_reply made, is absorbed; any
    /// other (the ACK for a relayed 2xx) goes on statelessly to the next hop.
    private func relayACK(_ context: ScriptContext, override: RelayOverride?) -> Int {
        if let key = RequestMatchKey(context.message), absorbACK(context, key: key) == 0 { return 1 }
        return StatelessRequest.forward(context, services: services, override: override) ? 1 : -1
    }

    /// CANCEL of a known INVITE: answered 200 here, then CANCEL goes down every pending branch
    /// (after its first provisional); the INVITE ends with the branches' 487s.
    func relayCancel(_ context: ScriptContext, invite: TMTransaction) -> Int {
        switch newTransaction(context) {
        case .retransmission: return 0
        case .failed(let why):
            context.worker.logger.error("t_relay: \(why)")
            return -1
        case .created(let cancel):
            cancel.replyLock.withLock {
                sendLocalReply(cancel, code: 200, reason: "canceling", headers: [], worker: context.worker)
                releaseIfFinished(cancel)
            }
        }
        invite.replyLock.withLock {
            invite.canceled = true
            fireCallbacks(.endToEndCancel, invite, reply: context.message)
            invite.cancelRequest = context.message
            for i in invite.branches.indices where invite.branches[i].client.isPending {
                sendCancel(invite, branch: i)
            }
            if invite.branches.isEmpty, invite.finalSent == nil {
                sendLocalReply(invite, code: 487, reason: "Request Terminated", headers: [], worker: context.worker)
            }
            releaseIfFinished(invite)
        }
        return 1
    }

    /// Sends CANCEL on a branch now if it has had a provisional reply, else as soon as one
    /// comes (RFC 3261 §9.1), stopping the INVITE's retransmissions meanwhile.
    func sendCancel(_ t: TMTransaction, branch i: Int) {
        guard t.isInvite, t.branches.indices.contains(i) else { return }
        let branch = t.branches[i]
        guard branch.cancel == nil, branch.client.isPending else { return }
        t.responses.markCancelled(i)
        guard case .invite(let machine) = branch.client, machine.state == .proceeding else {
            branch.cancelPending = true
            run(branch.client.handle(.stop), on: t, owner: .branch(i), worker: timerWorker)
            return
        }
        guard let request = try? SIPMessage.parse(branch.requestBytes) else { return }
        var timerValues = settings.timerValues
        timerValues.nonInviteTimeout = settings.frTimer
        var cancel = NonInviteClientTransaction(request: HopRequest.cancel(for: request),
                                                reliable: branch.target.proto.isReliable, timers: timerValues)
        let actions = cancel.handle(.start)
        branch.cancel = cancel
        run(actions, on: t, owner: .cancel(i), worker: timerWorker)
    }

    /// The ACK for a non-2xx final reply on a branch (built once, resent for retransmissions).
    func sendACK(_ t: TMTransaction, branch i: Int) {
        guard t.branches.indices.contains(i) else { return }
        let branch = t.branches[i]
        if branch.ackBytes == nil, let reply = branch.finalReply, let request = try? SIPMessage.parse(branch.requestBytes) {
            branch.ackBytes = HopRequest.ack(for: request, reply: reply)
        }
        if let ack = branch.ackBytes {
            t.replyLock.send(.request(ack, to: branch.target, from: branch.local))
        }
    }

    /// A context for a route running on the transaction's request (failure_route, t_continue):
    /// the request state as it was relayed, the transaction's AVPs.
    func requestContext(_ t: TMTransaction, worker: WorkerScriptState, routeType: RouteTypes) -> ScriptContext {
        let context = ScriptContext(message: t.request, receive: t.receive, worker: worker, routeType: routeType)
        t.saved.restore(into: context)
        context.avps = t.avps
        context.xavps = t.xavps
        context[TMKeys.state] = TMRouteState(transaction: t, branch: nil, replyCode: 0, reply: nil)
        return context
    }
}
