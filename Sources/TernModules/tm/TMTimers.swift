#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import SIPTransaction

/// Which machine of a transaction a timer belongs to.
enum TMTimerOwner: Hashable {
    case server
    case branch(Int)
    case cancel(Int)
    /// max_inv_lifetime / max_noninv_lifetime.
    case lifetime
}

/// A timer of one machine of one transaction.
struct TMTimerKey: Hashable {
    var transaction: TransactionID
    var owner: TMTimerOwner
    var timer: TransactionTimer
}

/// tm's timers: one wheel under one lock, driven by one thread of its own that wakes every
/// wheel tick and hands due timers to `fire` (which runs without the wheel lock: it takes the
/// transaction's lock and may run failure_route).
final class TMTimers: @unchecked Sendable {
    private let lock = Lock()
    private var wheel: TimerWheel<TMTimerKey>
    /// The armed timers of each transaction (a handful at most): one hash of the id finds
    /// them all, so arming, cancelling and freeing cost no per-timer hashing or sets.
    private var armed: [TransactionID: [ArmedTimer]] = [:]

    private struct ArmedTimer {
        var owner: TMTimerOwner
        var timer: TransactionTimer
        var handle: TimerWheel<TMTimerKey>.Handle
    }
    let clock: any MonotonicClock
    private var thread: pthread_t?
    private var running = false
    private let stateLock = Lock()
    var fire: ((TMTimerKey) -> Void)?

    init(clock: any MonotonicClock = SystemMonotonicClock(), resolution: Int64 = 10) {
        self.clock = clock
        wheel = TimerWheel(resolution: resolution, slotCount: 4096, startingAt: clock.nowMilliseconds())
    }

    func start(_ key: TMTimerKey, after milliseconds: Int64) {
        let deadline = clock.nowMilliseconds() + milliseconds
        lock.withLock {
            let handle = wheel.schedule(key, at: deadline)
            guard let i = armed.index(forKey: key.transaction) else {
                armed[key.transaction] = [ArmedTimer(owner: key.owner, timer: key.timer, handle: handle)]
                return
            }
            if let j = armed.values[i].firstIndex(where: { $0.owner == key.owner && $0.timer == key.timer }) {
                wheel.cancel(armed.values[i][j].handle)
                armed.values[i][j].handle = handle
            } else {
                armed.values[i].append(ArmedTimer(owner: key.owner, timer: key.timer, handle: handle))
            }
        }
    }

    func cancel(_ key: TMTimerKey) {
        lock.withLock {
            if let handle = forget(key) { wheel.cancel(handle) }
        }
    }

    /// Drops `key` from `armed`; its wheel handle, if it was armed. Called with the lock held.
    private func forget(_ key: TMTimerKey) -> TimerWheel<TMTimerKey>.Handle? {
        guard let i = armed.index(forKey: key.transaction),
              let j = armed.values[i].firstIndex(where: { $0.owner == key.owner && $0.timer == key.timer })
        else { return nil }
        let handle = armed.values[i][j].handle
        armed.values[i].remove(at: j)
        if armed.values[i].isEmpty { armed.remove(at: i) }
        return handle
    }

    /// Cancels every timer of a transaction (it is being freed).
    func cancelAll(_ id: TransactionID) {
        lock.withLock {
            guard let timers = armed.removeValue(forKey: id) else { return }
            for timer in timers { wheel.cancel(timer.handle) }
        }
    }

    var count: Int { lock.withLock { wheel.count } }

    /// The timers due now, removed from the wheel (the thread's step; tests call it directly).
    func due() -> [TMTimerKey] {
        let now = clock.nowMilliseconds()
        return lock.withLock {
            let keys = wheel.advance(to: now)
            for key in keys { _ = forget(key) }
            return keys
        }
    }

    /// Runs due timers until stopped.
    func startThread() {
        stateLock.withLock { running = true }
        let unmanaged = Unmanaged.passRetained(self)
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            let timers = Unmanaged<TMTimers>.fromOpaque(raw!).takeRetainedValue()
            timers.loop()
            return nil
        }, unmanaged.toOpaque())
        if rc == 0 {
            thread = handle
        } else {
            unmanaged.release()
        }
    }

    func stopThread() {
        stateLock.withLock { running = false }
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private var isRunning: Bool { stateLock.withLock { running } }

    private func loop() {
        while isRunning {
            for key in due() { fire?(key) }
            usleep(10_000)
        }
    }
}
