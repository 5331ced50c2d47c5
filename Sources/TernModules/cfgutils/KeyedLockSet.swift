#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// cfgutils' lock set: 2^N locks shared by every worker, a key picking one by Kamailio's
/// case-insensitive core hash. Like Kamailio's locks, one may be released by another worker
/// than the one that took it. Unlike them, a worker asking again for a lock it already holds
/// is told so instead of waiting for itself forever.
final class KeyedLockSet: @unchecked Sendable {
    enum Outcome: Equatable {
        case acquired
        /// trylock found it taken.
        case busy
        /// This worker holds it already.
        case heldBySelf
    }

    private let guardMutex: UnsafeMutablePointer<pthread_mutex_t>
    private let released: UnsafeMutablePointer<pthread_cond_t>
    private var owners: [pthread_t?]
    let size: Int

    /// `exponent` 1–14 gives 2, 4, … 16384 locks.
    init(exponent: Int) {
        size = 1 << exponent
        owners = Array(repeating: nil, count: size)
        guardMutex = .allocate(capacity: 1)
        pthread_mutex_init(guardMutex, nil)
        released = .allocate(capacity: 1)
        pthread_cond_init(released, nil)
    }

    deinit {
        pthread_cond_destroy(released)
        pthread_mutex_destroy(guardMutex)
        released.deallocate()
        guardMutex.deallocate()
    }

    func slot(for key: String) -> Int {
        Int(CoreHash.hash(Array(key.utf8), nil, caseInsensitive: true) & UInt32(size - 1))
    }

    /// Waits until the lock is free, unless `wait` is false.
    func acquire(_ key: String, wait: Bool) -> Outcome {
        let index = slot(for: key)
        let me = pthread_self()
        pthread_mutex_lock(guardMutex)
        defer { pthread_mutex_unlock(guardMutex) }
        while let owner = owners[index] {
            if pthread_equal(owner, me) != 0 { return .heldBySelf }
            if !wait { return .busy }
            pthread_cond_wait(released, guardMutex)
        }
        owners[index] = me
        return .acquired
    }

    func release(_ key: String) {
        let index = slot(for: key)
        pthread_mutex_lock(guardMutex)
        owners[index] = nil
        pthread_cond_broadcast(released)
        pthread_mutex_unlock(guardMutex)
    }
}
