import SIPCore
import SIPTransaction
import TernRuntime
import TernScript

/// tm callbacks (Kamailio's register_tmcb / TMCB_*): other modules (acc, dialog, async
/// functions) ask to be told about a transaction's events. The engine calls
/// `fireCallbacks` at each event, with the transaction's reply lock held, as Kamailio does;
/// a callback must not block.
extension TMCore {
    /// Calls the callbacks registered for `event` on `t` and for every transaction. `reply` is
    /// evaluated only when some callback wants it.
    func fireCallbacks(_ event: TransactionEvents, _ t: TMTransaction, reply: @autoclosure () -> SIPMessage? = nil, code: Int = 0) {
        let own = t.asyncState.callbacks
        let global = asyncState.hasCallbacksForEveryTransaction ? asyncState.callbacksForEveryTransaction(event) : []
        guard !global.isEmpty || own.contains(where: { $0.events.contains(event) }) else { return }
        let info = TransactionCallbackInfo(event: event, transaction: t.id, request: t.request, reply: reply(), code: code)
        for registered in global { registered.callback(info) }
        for registered in own where registered.events.contains(event) { registered.callback(info) }
    }

    /// A reply went upstream: `responseOut`, then `completed` for the first final one (after
    /// it left, so acc logs what was sent).
    func replySent(_ t: TMTransaction, _ bytes: [UInt8], code: Int) {
        fireCallbacks(.responseOut, t, reply: try? SIPMessage.parse(bytes), code: code)
        guard code >= 200, !t.asyncState.completionReported else { return }
        t.asyncState.completionReported = true
        fireCallbacks(.completed, t, reply: try? SIPMessage.parse(bytes), code: code)
    }

    /// Registers `callback` on the transaction of `context` (made now for a request that has
    /// none yet, as Kamailio's t_newtran-then-register idiom does), or with a nil context on
    /// every transaction.
    func registerCallback(_ events: TransactionEvents, context: ScriptContext?, _ callback: @escaping TransactionCallback) -> Bool {
        guard !events.isEmpty else { return false }
        let registered = TMRegisteredCallback(events: events, callback: callback)
        guard let context else {
            asyncState.addForEveryTransaction(registered)
            return true
        }
        let t: TMTransaction
        if let existing = transaction(of: context) {
            t = existing
        } else {
            guard context.message.kind == .request, case .created(let made) = newTransaction(context) else { return false }
            t = made
        }
        return t.replyLock.withLock { () -> Bool in
            guard !t.freed else { return false }
            t.asyncState.callbacks.append(registered)
            return true
        }
    }
}

extension TMModule {
    func register(events: TransactionEvents, context: ScriptContext?, callback: @escaping TransactionCallback) -> Bool {
        engine?.registerCallback(events, context: context, callback) ?? false
    }
}
