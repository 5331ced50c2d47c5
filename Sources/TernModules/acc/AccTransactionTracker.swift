import SIPCore
import SIPTransaction
import TernScript

/// What acc writes for one tm event, decided from the transaction's flags as Kamailio's acc
/// does; the flags to clear afterwards are the missed-call ones (a call is reported missed
/// once, until a failure_route sets the flag again for the next attempt).
struct AccActions: Equatable {
    var logMissed = false
    var dbMissed = false
    var logAnswered = false
    var dbAnswered = false
    var clearFlags: UInt32 = 0

    var isEmpty: Bool { !logMissed && !dbMissed && !logAnswered && !dbAnswered }
}

/// The transactions acc follows and what each event means for them. Kamailio's acc decides
/// when the transaction is created: only a request whose acc or missed-call flags are set
/// then (before t_relay / t_newtran) is followed; later events read the flags as they are
/// at that moment (failure_route may have changed them).
final class AccTransactionTracker: @unchecked Sendable {
    struct Watch: Equatable {
        var isInvite: Bool
        /// A final reply was accounted already (a 2xx retransmitted by the callee is not
        /// a second call).
        var finalAccounted = false
    }

    private let lock = Lock()
    private var watched: [TransactionID: Watch] = [:]

    /// A new transaction: followed when its flags ask for accounting. CANCEL transactions
    /// only with `report_cancels`.
    @discardableResult
    func requestIn(_ id: TransactionID, method: SIPMethod, flags: UInt32, settings: AccSettings) -> Bool {
        if method == .cancel && !settings.reportCancels { return false }
        guard settings.accountsTransaction(flags) || settings.accountsMissedCall(flags) else { return false }
        lock.withLock { watched[id] = Watch(isInvite: method == .invite) }
        return true
    }

    /// A reply went upstream. `hasBody`: it carries a body (early media for a 18x).
    func replySent(_ id: TransactionID, code: Int, flags: UInt32, hasBody: Bool, settings: AccSettings) -> AccActions {
        lock.withLock { () -> AccActions in
            guard var watch = watched[id] else { return AccActions() }
            var actions = AccActions()
            if watch.isInvite, code >= 300, settings.accountsMissedCall(flags) {
                actions = Self.missed(flags, settings)
            }
            let remaining = flags & ~actions.clearFlags
            guard Self.accountsReply(code: code, flags: remaining, hasBody: hasBody, settings: settings) else { return actions }
            if code >= 200 {
                if watch.finalAccounted { return actions }
                watch.finalAccounted = true
                watched[id] = watch
            }
            actions.logAnswered = settings.isSet(settings.logFlag, in: remaining)
            actions.dbAnswered = settings.isSet(settings.dbFlag, in: remaining)
            return actions
        }
    }

    /// Every branch failed (before failure_route runs): a missed call for a flagged INVITE.
    func failed(_ id: TransactionID, code: Int, flags: UInt32, settings: AccSettings) -> AccActions {
        lock.withLock { () -> AccActions in
            guard let watch = watched[id], watch.isInvite, code >= 300, settings.accountsMissedCall(flags) else { return AccActions() }
            return Self.missed(flags, settings)
        }
    }

    func destroyed(_ id: TransactionID) {
        lock.withLock { _ = watched.removeValue(forKey: id) }
    }

    func isWatching(_ id: TransactionID) -> Bool {
        lock.withLock { watched[id] != nil }
    }

    var watchedCount: Int { lock.withLock { watched.count } }

    private static func missed(_ flags: UInt32, _ settings: AccSettings) -> AccActions {
        var actions = AccActions()
        if let flag = settings.logMissedFlag, settings.isSet(flag, in: flags) {
            actions.logMissed = true
            actions.clearFlags |= UInt32(1) << UInt32(flag)
        }
        if let flag = settings.dbMissedFlag, settings.isSet(flag, in: flags) {
            actions.dbMissed = true
            actions.clearFlags |= UInt32(1) << UInt32(flag)
        }
        return actions
    }

    /// Kamailio's should_acc_reply: a negative final only with failed_transaction_flag (and
    /// not in failed_filter); a provisional only with early_media and a body.
    static func accountsReply(code: Int, flags: UInt32, hasBody: Bool, settings: AccSettings) -> Bool {
        if code >= 300 {
            return settings.accountsFailure(flags) && !settings.failedFilter.contains(code)
                && settings.accountsTransaction(flags)
        }
        guard settings.accountsTransaction(flags) else { return false }
        if code < 200 { return settings.earlyMedia && hasBody }
        return true
    }
}
