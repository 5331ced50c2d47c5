#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore

/// Milliseconds on a clock that never goes back. Transactions and the timer wheel read time
/// only through this, so tests drive it by hand.
public protocol MonotonicClock: Sendable {
    func nowMilliseconds() -> Int64
}

/// CLOCK_MONOTONIC.
public struct SystemMonotonicClock: MonotonicClock {
    public init() {}

    public func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// A clock moved by hand (tests, simulations).
public final class ManualClock: MonotonicClock, @unchecked Sendable {
    private let lock = Lock()
    private var now: Int64

    public init(startingAt milliseconds: Int64 = 0) { now = milliseconds }

    public func nowMilliseconds() -> Int64 { lock.withLock { now } }

    public func advance(by milliseconds: Int64) { lock.withLock { now += milliseconds } }
}
