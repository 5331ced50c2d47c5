import SIPCore
import SIPTransaction
import TernRuntime
import TernScript

/// The lookups behind t_check_trans, t_lookup_request, t_lookup_cancel, t_newtran's ACK
/// handling and t_precheck_trans.
extension TMCore {
    /// t_check_trans. Request route: a retransmission gets the last reply again and ends the
    /// script (0); an ACK for our non-2xx final reply is absorbed (0); a CANCEL whose INVITE is
    /// known, or an ACK matching an INVITE otherwise, gives 1; anything else -1. Reply routes:
    /// 1 when the reply belongs to a transaction. Failure/branch routes: 1.
    func checkTransaction(_ context: ScriptContext) -> Int {
        let message = context.message
        if message.kind == .response {
            guard let via = try? message.topVia(), let range = via.branch,
                  let id = TransactionBranchID(branchValue: message.bytes[range]),
                  table.lookup(id.transaction) != nil
            else { return -1 }
            return 1
        }
        if transaction(of: context) != nil { return 1 }
        guard let key = RequestMatchKey(message) else { return -1 }
        if key.isCANCEL { return findCanceled(key) != nil ? 1 : -1 }
        if key.isACK { return absorbACK(context, key: key) ?? -1 }
        guard let t = findSameRequest(key) else { return -1 }
        t.replyLock.withLock { run(t.server.retransmission(), on: t, owner: .server, worker: context.worker) }
        return 0
    }

    /// 0 when the ACK acknowledged our non-2xx final reply or our own 2xx and was absorbed
    /// (Kamailio's t_check_trans ends the script for both); 1 when it matches an INVITE
    /// transaction otherwise; nil when it matches none.
    func absorbACK(_ context: ScriptContext, key: RequestMatchKey) -> Int? {
        guard let invite = findAcknowledged(key) ?? findLocalSuccessAcknowledged(context, key: key) else { return nil }
        return invite.replyLock.withLock { () -> Int in
            let ownSuccess: Bool
            if case .invite(let machine) = invite.server { ownSuccess = machine.sentLocalSuccess } else { ownSuccess = false }
            guard let final = invite.finalSent, final >= 300 || ownSuccess else { return 1 }
            run(invite.server.ack(), on: invite, owner: .server, worker: context.worker)
            releaseIfFinished(invite)
            return 0
        }
    }

    /// t_lookup_request: 1 when a transaction for this request exists (nothing is sent).
    func lookupRequest(_ context: ScriptContext) -> Int {
        if transaction(of: context) != nil { return 1 }
        guard let key = RequestMatchKey(context.message) else { return -1 }
        return findSameRequest(key) != nil ? 1 : -1
    }

    /// t_lookup_cancel([1]): 1 when the CANCEL's INVITE transaction exists; with `copyFlags`
    /// the INVITE's message flags are added to the CANCEL's.
    func lookupCancel(_ context: ScriptContext, copyFlags: Bool) -> Int {
        guard context.message.methodIs(.cancel), let key = RequestMatchKey(context.message),
              let invite = findCanceled(key)
        else { return -1 }
        if copyFlags { context.messageFlags |= invite.replyLock.withLock { invite.saved.messageFlags } }
        return 1
    }

    /// t_newtran: 1 new transaction, 0 retransmission (the last reply was resent) or an ACK
    /// absorbed, -1 error.
    func newTransactionFunction(_ context: ScriptContext) -> Int {
        if transaction(of: context) != nil {
            context.worker.logger.error("t_newtran: the transaction already exists for this request")
            return -1
        }
        if context.message.methodIs(.ack) {
            guard let key = RequestMatchKey(context.message) else { return -1 }
            return absorbACK(context, key: key) ?? 1
        }
        switch newTransaction(context) {
        case .created: return 1
        case .retransmission: return 0
        case .failed(let why):
            context.worker.logger.error("t_newtran: \(why)")
            return -1
        }
    }

    /// t_precheck_trans: true when the request is already being handled by a transaction —
    /// a retransmission; the stock config then calls t_check_trans() and exits.
    func precheck(_ context: ScriptContext) -> Int {
        guard !context.message.methodIs(.ack), !context.message.methodIs(.cancel),
              let key = RequestMatchKey(context.message)
        else { return -1 }
        return findSameRequest(key) != nil ? 1 : -1
    }

    /// t_release: the script is done with the transaction; one never answered goes now.
    func release(_ context: ScriptContext) -> Int {
        guard let t = transaction(of: context) else { return -1 }
        t.replyLock.withLock {
            if t.finalSent == nil, !t.responses.hasPendingBranches {
                run(t.server.forceTerminate(), on: t, owner: .server, worker: context.worker)
            }
            releaseIfFinished(t)
        }
        return 1
    }

    /// t_retransmit_reply: sends the last reply again.
    func retransmitReply(_ context: ScriptContext) -> Int {
        guard let t = transaction(of: context) else { return -1 }
        t.replyLock.withLock { run(t.server.retransmission(), on: t, owner: .server, worker: context.worker) }
        return 1
    }

    /// t_relay_cancel: 0 (script ends) when the CANCEL's INVITE was found and the CANCEL
    /// handled; 1 when there is no such INVITE; -1 on error.
    func relayCancelFunction(_ context: ScriptContext) -> Int {
        guard context.message.methodIs(.cancel), let key = RequestMatchKey(context.message) else { return -1 }
        guard let invite = findCanceled(key) else { return 1 }
        return relayCancel(context, invite: invite) < 0 ? -1 : 0
    }
}
