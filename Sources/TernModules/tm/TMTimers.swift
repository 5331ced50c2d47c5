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

/// tm's timers: one wheel under one lock, driven by one thread of its own that sleeps until
/// the next due tick (or a newly armed earlier timer) and hands due timers to `fire` (which
/// runs without the wheel lock: it takes the transaction's lock and may run failure_route).
final class TMTimers: @unchecked Sendable {
    private let lock = Lock()
    // Under `lock` only: no runtime exclusivity checks on top of it.
    @exclusivity(unchecked) private var wheel: TimerWheel<TMTimerKey>
    /// The armed timers, in buckets by transaction id (a handful per bucket): arming,
    /// cancelling and freeing scan one short array, with no hashing and, once the buckets
    /// have grown, no allocation.
    @exclusivity(unchecked) private var armed: [[ArmedTimer]]
    private let armedMask: Int

    private struct ArmedTimer {
        var transaction: TransactionID
        var owner: TMTimerOwner
        var timer: TransactionTimer
        var handle: TimerWheel<TMTimerKey>.Handle
    }
    let clock: any MonotonicClock
    private var thread: pthread_t?
    private var running = false
    private let stateLock = Lock()
    var fire: ((TMTimerKey) -> Void)?
    /// The timer thread's sleep: it waits on `wake` until `sleepUntil` (clock milliseconds);
    /// arming an earlier timer, or stopping, signals it. Guarded by `sleepMutex`.
    private let sleepMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// When the sleeping thread wakes next (Int64.min: awake, it looks at the wheel before
    /// it sleeps again). Read under `lock` by `start` to decide whether to signal.
    @exclusivity(unchecked) private var sleepUntil = Int64.min
    private let resolution: Int64
    /// The clock is CLOCK_MONOTONIC, so the thread may sleep until the next due tick.
    private let clockIsSystem: Bool

    init(clock: any MonotonicClock = SystemMonotonicClock(), resolution: Int64 = 10) {
        self.clock = clock
        self.resolution = max(1, resolution)
        clockIsSystem = clock is SystemMonotonicClock
        wheel = TimerWheel(resolution: resolution, slotCount: 4096, startingAt: clock.nowMilliseconds())
        // 16384 buckets (128 KB of empty arrays): a few timers per bucket even with tens of
        // thousands of transactions lingering.
        armed = Array(repeating: [], count: 16384)
        armedMask = 16383
        pthread_mutex_init(sleepMutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(wake, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(sleepMutex)
        wake.deallocate()
        sleepMutex.deallocate()
    }

    @inline(__always)
    private func bucket(_ id: TransactionID) -> Int {
        Int(truncatingIfNeeded: (id.hashIndex &* 0x9E37_79B1) ^ id.label) & armedMask
    }

    func start(_ key: TMTimerKey, after milliseconds: Int64) {
        let deadline = clock.nowMilliseconds() + milliseconds
        let b = bucket(key.transaction)
        let signal: Bool = lock.withLock {
            let handle = wheel.schedule(key, at: deadline)
            if let j = armed[b].firstIndex(where: { $0.transaction == key.transaction && $0.owner == key.owner && $0.timer == key.timer }) {
                wheel.cancel(armed[b][j].handle)
                armed[b][j].handle = handle
            } else {
                // Room for a transaction's few timers at once: a bucket grows once, then keeps it.
                if armed[b].capacity == 0 { armed[b].reserveCapacity(6) }
                armed[b].append(ArmedTimer(transaction: key.transaction, owner: key.owner, timer: key.timer, handle: handle))
            }
            return deadline < sleepUntil
        }
        if signal { wakeThread() }
    }

    func cancel(_ key: TMTimerKey) {
        lock.withLock {
            if let handle = forget(key) { wheel.cancel(handle) }
        }
    }

    /// Drops `key` from `armed`; its wheel handle, if it was armed. Called with the lock held.
    private func forget(_ key: TMTimerKey) -> TimerWheel<TMTimerKey>.Handle? {
        let b = bucket(key.transaction)
        guard let j = armed[b].firstIndex(where: { $0.transaction == key.transaction && $0.owner == key.owner && $0.timer == key.timer })
        else { return nil }
        let handle = armed[b][j].handle
        armed[b].swapAt(j, armed[b].count - 1)
        armed[b].removeLast()
        return handle
    }

    /// Cancels every timer of a transaction (it is being freed).
    func cancelAll(_ id: TransactionID) {
        let b = bucket(id)
        lock.withLock {
            var j = 0
            while j < armed[b].count {
                if armed[b][j].transaction == id {
                    wheel.cancel(armed[b][j].handle)
                    armed[b].swapAt(j, armed[b].count - 1)
                    armed[b].removeLast()
                } else {
                    j += 1
                }
            }
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
        wakeThread()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private var isRunning: Bool { stateLock.withLock { running } }

    private func wakeThread() {
        pthread_mutex_lock(sleepMutex)
        pthread_cond_signal(wake)
        pthread_mutex_unlock(sleepMutex)
    }

    /// How far ahead the thread looks for the next due tick; with nothing due that soon it
    /// sleeps that long (an earlier timer armed meanwhile wakes it).
    private static let lookAheadTicks = 100

    private func loop() {
        while isRunning {
            for key in due() { fire?(key) }
            pthread_mutex_lock(sleepMutex)
            let now = clock.nowMilliseconds()
            let until: Int64 = lock.withLock {
                let next = wheel.nextDueTime(within: Self.lookAheadTicks)
                    ?? (now / resolution + Int64(Self.lookAheadTicks)) * resolution
                sleepUntil = next
                return next
            }
            if until > now, isRunning {
                // The wheel's clock is the system's monotonic clock in production; an injected
                // clock (tests) is only sampled, so the wait is bounded by one tick there.
                let wait = clockIsSystem ? until - now : min(until - now, resolution)
                var deadline = timespec()
                clock_gettime(CLOCK_MONOTONIC, &deadline)
                let nanos = Int64(deadline.tv_nsec) + (wait % 1000) * 1_000_000
                deadline.tv_sec += Int(wait / 1000) + Int(nanos / 1_000_000_000)
                deadline.tv_nsec = Int(nanos % 1_000_000_000)
                _ = pthread_cond_timedwait(wake, sleepMutex, &deadline)
            }
            lock.withLock { sleepUntil = Int64.min }
            pthread_mutex_unlock(sleepMutex)
        }
    }
}
