import Logging
import SIPCore
import SIPTransaction
import SIPTransport
import TernRuntime
import TernScript

/// The per-message tm state a route context carries: the transaction (once t_newtran,
/// t_relay or t_reply made one) and, in failure/reply/branch routes, the branch and reply.
struct TMRouteState {
    let transaction: TMTransaction
    var branch: Int?
    var replyCode: Int
    var reply: SIPMessage?
}

/// Routes and timers armed in a request route before a transaction exists (t_on_failure,
/// t_set_fr …); copied into the transaction when it is made.
struct TMArmed {
    var onFailure: String?
    var onReply: String?
    var onBranch: String?
    var frTimer: Int64?
    var frInvTimer: Int64?
}

enum TMKeys {
    static let state = ScriptContextKey<TMRouteState>()
    static let armed = ScriptContextKey<TMArmed>()
}

/// tm's engine: the transaction table, the timers and everything that feeds the machines.
/// Function bodies and the reply consumer call into it from worker threads; the timer thread
/// calls `fire`.
final class TMCore: @unchecked Sendable {
    let services: RuntimeServices
    let settings: TMSettings
    let table = TransactionTable<TMTransaction>(bucketCount: 4096)
    let timers: TMTimers
    let statistics: TMStatistics
    var logger: Logger { services.logger }
    /// Script state of the timer thread (failure routes run there after a timeout).
    let timerWorker = WorkerScriptState()
    /// Suspensions, callbacks and local requests (TMAsyncState.swift).
    let asyncState = TMAsyncState()

    init(services: RuntimeServices, settings: TMSettings, clock: any MonotonicClock = SystemMonotonicClock()) {
        self.services = services
        self.settings = settings
        self.timers = TMTimers(clock: clock)
        self.statistics = TMStatistics(services.statistics)
        // unowned(unsafe): no side-table retain per timer; the timer thread stops before the
        // engine goes (TMModule's shutdown), as `unowned` required too.
        timers.fire = { [unowned(unsafe) self] key in self.fire(key) }
        asyncState.attach(core: self)
    }

    // MARK: - finding transactions

    func state(_ context: ScriptContext) -> TMRouteState? { context[TMKeys.state] }

    func transaction(of context: ScriptContext) -> TMTransaction? { context[TMKeys.state]?.transaction }

    /// The transaction a request is a retransmission of.
    func findSameRequest(_ key: RequestMatchKey) -> TMTransaction? {
        table.withBucket(table.hashIndex(key.hash)) { bucket in
            bucket.first { !$0.freed && key.isSameRequest(as: $0.key) }
        }
    }

    /// The INVITE transaction an ACK (for a non-2xx final reply) belongs to.
    func findAcknowledged(_ key: RequestMatchKey) -> TMTransaction? {
        table.withBucket(table.hashIndex(key.hash)) { bucket in
            bucket.first { !$0.freed && key.isACK(for: $0.key) }
        }
    }

    /// The transaction a CANCEL cancels.
    func findCanceled(_ key: RequestMatchKey) -> TMTransaction? {
        table.withBucket(table.hashIndex(key.hash)) { bucket in
            bucket.first { !$0.freed && key.cancels($0.key) }
        }
    }

    // MARK: - creating

    enum NewTransaction {
        case created(TMTransaction)
        /// The request is a retransmission: the last reply was sent again.
        case retransmission
        case failed(String)
    }

    /// t_newtran: the transaction of the request in `context`, made now unless it exists.
    func newTransaction(_ context: ScriptContext) -> NewTransaction {
        if let existing = transaction(of: context) { return .created(existing) }
        let request = context.message
        guard request.kind == .request, !request.methodIs(.ack) else { return .failed("no transaction for ACK") }
        guard let key = RequestMatchKey(request) else {
            return .failed("the request lacks the Via, Call-ID or CSeq a transaction needs")
        }
        let hash = table.hashIndex(key.hash)
        var retransmitted: TMTransaction?
        let channel = ReplyDestination.channel(for: request, context.receive,
                                               forceRport: context.sendOptions.contains(.forceRport))
        let made: TMTransaction? = table.withBucket(hash) { bucket in
            if let old = bucket.first(where: { !$0.freed && key.isSameRequest(as: $0.key) }) {
                retransmitted = old
                return nil
            }
            return bucket.insert { id in
                TMTransaction(id: id, key: key, request: request, receive: context.receive, replyChannel: channel,
                              timers: settings.timerValues, avps: context.avps, xavps: context.xavps, core: self)
            }
        }
        if let old = retransmitted {
            old.replyLock.withLock { run(old.server.retransmission(), on: old, owner: .server, worker: context.worker) }
            return .retransmission
        }
        guard let t = made else { return .failed("transaction table refused the request") }
        statistics.serverTransactions.increment()
        statistics.inUse.increment()
        statistics.active.increment()
        t.countedActive = true
        let armed = context[TMKeys.armed]
        t.onFailure = armed?.onFailure
        t.onReply = armed?.onReply
        t.onBranch = armed?.onBranch
        t.frTimer = armed?.frTimer
        t.frInvTimer = armed?.frInvTimer
        t.saved = SavedRequestState(context)
        context[TMKeys.state] = TMRouteState(transaction: t, branch: nil, replyCode: 0, reply: nil)
        fireCallbacks(.requestIn, t)
        let lifetime = t.isInvite ? settings.maxInviteLifetime : settings.maxNonInviteLifetime
        timers.start(TMTimerKey(transaction: t.id, owner: .lifetime, timer: .b), after: lifetime)
        return .created(t)
    }

    /// The To-tag of our local replies on `t`, made the first time one needs it (most
    /// transactions are relayed and never answered locally with a tag). Under its lock.
    func localToTag(_ t: TMTransaction) -> String {
        if let tag = t.localToTag { return tag }
        let tag = services.localTags.tag(for: t.request)
        t.localToTag = tag
        return tag
    }

    // MARK: - running machine actions

    /// Carries out a machine's actions. Called with the transaction's lock held.
    func run(_ actions: [TransactionAction], on t: TMTransaction, owner: TMTimerOwner, worker: WorkerScriptState) {
        for action in actions { perform(action, on: t, owner: owner, worker: worker) }
    }

    /// Carries out one machine action. Called with the transaction's lock held.
    func perform(_ action: TransactionAction, on t: TMTransaction, owner: TMTimerOwner, worker: WorkerScriptState) {
        switch action {
        case .send(let bytes):
            send(bytes, on: t, owner: owner)
        case .startTimer(let timer, let after):
            timers.start(TMTimerKey(transaction: t.id, owner: owner, timer: timer), after: after)
        case .cancelTimer(let timer):
            timers.cancel(TMTimerKey(transaction: t.id, owner: owner, timer: timer))
        case .sendACK:
            if case .branch(let i) = owner { sendACK(t, branch: i) }
        case .timeout:
            if case .branch(let i) = owner { branchFailed(t, branch: i, code: 408, worker: worker) }
        case .transportError:
            if case .branch(let i) = owner { branchFailed(t, branch: i, code: 503, worker: worker) }
        case .deliverResponse, .ackTimeout, .terminated:
            // Replies are handed over by the caller, which has the message; a server
            // transaction that saw no ACK simply ends.
            break
        }
    }

    /// Queued on the transaction's lock: sent once it is released.
    private func send(_ bytes: [UInt8], on t: TMTransaction, owner: TMTimerOwner) {
        switch owner {
        case .server:
            t.replyLock.send(.reply(bytes))
        case .branch(let i), .cancel(let i):
            guard t.branches.indices.contains(i) else { return }
            let branch = t.branches[i]
            t.replyLock.send(.request(bytes, to: branch.target, from: branch.local))
        case .lifetime:
            break
        }
    }

    /// Frees a transaction whose machines are all done.
    func releaseIfFinished(_ t: TMTransaction) {
        guard !t.freed, t.isFinished else { return }
        free(t)
    }

    func free(_ t: TMTransaction) {
        guard !t.freed else { return }
        // Set under the bucket lock as well: lookups read it there without the reply lock.
        table.withBucket(t.id.hashIndex) { bucket in
            t.freed = true
            bucket.remove(label: t.id.label)
        }
        fireCallbacks(.destroyed, t)
        timers.cancelAll(t.id)
        statistics.inUse.increment(by: -1)
        if t.countedActive {
            t.countedActive = false
            statistics.active.increment(by: -1)
        }
    }

    // MARK: - timers

    func fire(_ key: TMTimerKey) {
        guard let t = table.lookup(key.transaction) else { return }
        t.replyLock.withLock {
            guard !t.freed else { return }
            switch key.owner {
            case .server:
                run(t.server.timer(key.timer), on: t, owner: .server, worker: timerWorker)
            case .branch(let i):
                guard t.branches.indices.contains(i) else { return }
                let actions = t.branches[i].client.handle(.timer(key.timer))
                run(actions, on: t, owner: .branch(i), worker: timerWorker)
            case .cancel(let i):
                guard t.branches.indices.contains(i), var machine = t.branches[i].cancel else { return }
                let actions = machine.handle(.timer(key.timer))
                t.branches[i].cancel = machine
                run(actions, on: t, owner: .cancel(i), worker: timerWorker)
            case .lifetime:
                lifetimeExpired(t)
            }
            releaseIfFinished(t)
        }
    }

    /// max_inv_lifetime / max_noninv_lifetime: pending branches time out; a transaction the
    /// script never answered is dropped.
    private func lifetimeExpired(_ t: TMTransaction) {
        let pending = t.branches.indices.filter { t.branches[$0].client.isPending }
        for i in pending {
            _ = t.branches[i].client.handle(.stop)
            branchFailed(t, branch: i, code: 408, worker: timerWorker)
        }
        if t.finalSent == nil, !t.responses.hasPendingBranches {
            run(t.server.forceTerminate(), on: t, owner: .server, worker: timerWorker)
        }
        // Branch machines still waiting in Completed/Accepted end with the transaction.
        for i in t.branches.indices where !t.branches[i].client.isTerminated {
            t.branches[i].client = .none
        }
    }
}
