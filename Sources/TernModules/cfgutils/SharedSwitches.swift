#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The values cfgutils shares between all workers (Kamailio keeps them in shared memory):
/// the rand_event probability and the global flags.
final class SharedSwitches: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var storedProbability: Int
    private var storedFlags: UInt32

    init(probability: Int, flags: UInt32) {
        storedProbability = probability
        storedFlags = flags
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Percent, 0–100.
    var probability: Int {
        get { locked { storedProbability } }
        set { locked { storedProbability = newValue } }
    }

    var flags: UInt32 { locked { storedFlags } }

    func setFlags(_ mask: UInt32) { locked { storedFlags |= mask } }
    func resetFlags(_ mask: UInt32) { locked { storedFlags &= ~mask } }
    func replace(probability: Int, flags: UInt32) {
        locked {
            storedProbability = probability
            storedFlags = flags
        }
    }
}
