#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Atomics

/// Which nonce-counts each recent nonce has used, so a replayed Authorization (same nonce, same
/// or lower nc) is refused (RFC 7616 §3.3: the server "SHOULD" check nc; Kamailio's
/// `nonce_count`). A ring of one byte per nonce index: the highest nc seen so far (0 = none).
/// Like Kamailio, nc is limited to 255 per nonce (then the client is sent a fresh nonce), and a
/// nonce whose slot has been reused by newer nonces counts as stale.
///
/// Also serves one-time nonces (`one_time_nonce`): a nonce used without qop takes nc 1.
final class NonceCountTracker: @unchecked Sendable {
    enum Check: Equatable {
        case accepted
        /// nc not above the highest already seen for this nonce.
        case replayed
        /// The index fell out of the ring, or nc went past 255: issue a new nonce (stale=true).
        case outOfRange
    }

    private let mask: UInt32
    private var slots: UnsafeMutablePointer<UInt8>
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private static let lockCount = 64
    /// The newest index handed out: one atomic add per nonce rather than a lock both workers
    /// take in turn.
    private let lastIndex = ManagedAtomic<UInt32>(0)

    /// `size` is rounded up to a power of two (Kamailio's nc_array_size).
    init(size: Int) {
        var n = 1
        while n < max(size, 64) && n < (1 << 26) { n <<= 1 }
        mask = UInt32(n - 1)
        slots = .allocate(capacity: n)
        slots.initialize(repeating: 0, count: n)
        locks = .allocate(capacity: Self.lockCount)
        for i in 0 ..< Self.lockCount {
            (locks + i).initialize(to: pthread_mutex_t())
            pthread_mutex_init(locks + i, nil)
        }
    }

    deinit {
        for i in 0 ..< Self.lockCount { pthread_mutex_destroy(locks + i) }
        locks.deallocate()
        slots.deallocate()
    }

    /// A fresh index for a new nonce; its slot starts with no nc used.
    func issue() -> UInt32 {
        let index = lastIndex.wrappingIncrementThenLoad(ordering: .acquiringAndReleasing)
        withSlot(index) { $0 = 0 }
        return index
    }

    func check(index: UInt32, nc: UInt32) -> Check {
        let newest = lastIndex.load(ordering: .acquiring)
        // Older than the ring (or issued before a restart with the same secret).
        guard newest &- index <= mask else { return .outOfRange }
        guard nc >= 1, nc <= 255 else { return .outOfRange }
        return withSlot(index) { seen in
            if UInt32(seen) >= nc { return .replayed }
            seen = UInt8(nc)
            return .accepted
        }
    }

    private func withSlot<T>(_ index: UInt32, _ body: (inout UInt8) -> T) -> T {
        let slot = Int(index & mask)
        let lock = locks + (slot % Self.lockCount)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body(&slots[slot])
    }
}
