import SIPCore
import SIPTransaction
import Synchronization
import TernScript

// tm's asynchronous side, apart from the proxy engine: suspended transactions (t_suspend /
// t_continue), the callbacks other modules register, and the requests tm sends on its own
// (the UAC API). It runs one timer wheel of its own — suspension deadlines and the local
// client transactions' timers — so the proxy engine's timer code stays untouched.

/// What a TMCore keeps for its asynchronous side.
final class TMAsyncState: @unchecked Sendable {
    private let lock = Lock()
    private var everyTransaction: [TMRegisteredCallback] = []
    /// Read on every transaction event without the lock: most servers register none.
    private let anyForEveryTransaction = Atomic<Bool>(false)
    private var threadStarted = false
    /// Suspension deadlines (owner `.lifetime`) and local requests' timers (owner `.branch`).
    private(set) var timers = TMTimers()
    /// Script state of this wheel's thread (failure_route after a suspension timed out).
    let timerWorker = WorkerScriptState()
    private(set) var localRequests: TMLocalRequests?

    /// Ties the wheel to the engine; TMCore calls it from its initialiser.
    func attach(core: TMCore) {
        timers = TMTimers(clock: core.timers.clock)
        let requests = TMLocalRequests(services: core.services, settings: core.settings, timers: timers)
        localRequests = requests
        timers.fire = { [unowned core, unowned requests] key in
            switch key.owner {
            case .lifetime: core.suspensionExpired(key.transaction)
            default: requests.fire(key)
            }
        }
    }

    /// Starts the wheel's thread on first use (suspension or local request).
    func ensureRunning() {
        let start = lock.withLock { () -> Bool in
            if threadStarted { return false }
            threadStarted = true
            return true
        }
        if start { timers.startThread() }
    }

    func stop() {
        let started = lock.withLock { () -> Bool in
            defer { threadStarted = false }
            return threadStarted
        }
        if started { timers.stopThread() }
    }

    func addForEveryTransaction(_ callback: TMRegisteredCallback) {
        lock.withLock { everyTransaction.append(callback) }
        anyForEveryTransaction.store(true, ordering: .releasing)
    }

    func callbacksForEveryTransaction(_ event: TransactionEvents) -> [TMRegisteredCallback] {
        lock.withLock { everyTransaction.isEmpty ? [] : everyTransaction.filter { $0.events.contains(event) } }
    }

    var hasCallbacksForEveryTransaction: Bool { anyForEveryTransaction.load(ordering: .acquiring) }
}

/// A registered tm callback.
struct TMRegisteredCallback {
    let events: TransactionEvents
    let callback: TransactionCallback
}

/// What one transaction keeps for the asynchronous side (under its reply lock).
struct TMTransactionAsyncState {
    /// Set while the transaction is suspended (t_suspend) and nobody continued it yet.
    var suspended = false
    var callbacks: [TMRegisteredCallback] = []
    /// `completed` was reported (for the first final reply sent upstream).
    var completionReported = false
}

extension TransactionEvents {
    static let all: TransactionEvents = [.requestIn, .responseIn, .responseOut, .onFailure, .completed, .destroyed, .endToEndCancel]
}
