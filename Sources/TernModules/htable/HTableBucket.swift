#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One htable item: its value and when it expires (seconds on the table's clock; 0 never).
struct HTableItem: Sendable, Equatable {
    var value: HTableValue
    var expire: Int
}

enum HTableValue: Sendable, Equatable {
    case int(Int)
    case string(String)
}

/// One slot of a table: its items behind a lock of their own. The lock is recursive because
/// sht_lock() lets a script hold a slot while it reads and writes the same keys, as
/// Kamailio's re-entrant slot locks do.
final class HTableBucket: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    var items: [String: HTableItem] = [:]

    init() {
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

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    func withLock<T>(_ body: (HTableBucket) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(self)
    }
}
