#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex. Worker threads block on it, so neither a Swift-concurrency primitive
/// nor Foundation's NSLock (which pulls in Foundation per message) will do; the transaction
/// tables hold one per bucket, only while a machine is fed — never while a route runs.
/// Adaptive on glibc: holds are short, so a contender spins briefly instead of going to
/// sleep in the kernel (a futex sleep and wake cost more than the hold itself).
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        #if canImport(Glibc)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        #endif
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A pthread mutex the thread holding it may take again: a script may re-enter code that takes
/// the same lock (failure_route calling t_reply on its own transaction, sht_lock() around
/// reads and writes of the same htable slot), as Kamailio's re-entrant locks allow.
public final class RecursiveLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// For holds that span calls (sht_lock ... sht_unlock); pair every lock() with an unlock().
    public func lock() { acquire() }
    public func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        acquire()
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// glibc has no adaptive recursive mutex: try a few times before sleeping, since the
    /// usual contender (a reply arriving on another worker while the request is sent) waits
    /// for microseconds only.
    @inline(__always)
    private func acquire() {
        for _ in 0 ..< 100 where pthread_mutex_trylock(mutex) == 0 { return }
        pthread_mutex_lock(mutex)
    }
}
