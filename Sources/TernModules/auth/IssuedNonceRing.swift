#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The nonces made lately, by index: a nonce handed back exactly as it was made is ours, so
/// its HMAC need not be computed again (clients answer a challenge within moments). Anything
/// else — an older nonce whose slot was reused, one made by another node sharing the secret,
/// a forgery — misses and is checked by its HMAC as before, so the verdicts do not change.
final class IssuedNonceRing: @unchecked Sendable {
    /// Slots (a power of two); 32 bytes each.
    static let capacity = 8192
    private static let lockCount = 64
    /// Set in the last (padding) byte of a filled slot: an empty slot matches nothing.
    private static let filled: UInt64 = 1 << 63
    private let words: UnsafeMutablePointer<UInt64>
    private let locks: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        words = .allocate(capacity: Self.capacity * 4)
        words.initialize(repeating: 0, count: Self.capacity * 4)
        locks = .allocate(capacity: Self.lockCount)
        for i in 0 ..< Self.lockCount {
            (locks + i).initialize(to: pthread_mutex_t())
            pthread_mutex_init(locks + i, nil)
        }
    }

    deinit {
        for i in 0 ..< Self.lockCount { pthread_mutex_destroy(locks + i) }
        locks.deallocate()
        words.deallocate()
    }

    /// `raw`: the 32-byte buffer holding the 30 nonce bytes, the last two zero.
    func remember(_ raw: UnsafeRawPointer, index: UInt32) {
        let slot = Int(index) & (Self.capacity &- 1)
        let w = words + slot &* 4
        let lock = locks + (slot & (Self.lockCount &- 1))
        pthread_mutex_lock(lock)
        w[0] = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w[1] = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w[2] = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w[3] = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self) | Self.filled
        pthread_mutex_unlock(lock)
    }

    /// Whether `raw` (laid out as for `remember`) is the nonce last made with `index`.
    func contains(_ raw: UnsafeRawPointer, index: UInt32) -> Bool {
        let slot = Int(index) & (Self.capacity &- 1)
        let w = words + slot &* 4
        let lock = locks + (slot & (Self.lockCount &- 1))
        pthread_mutex_lock(lock)
        let diff = (w[0] ^ raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            | (w[1] ^ raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            | (w[2] ^ raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            | (w[3] ^ (raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self) | Self.filled))
        pthread_mutex_unlock(lock)
        return diff == 0
    }
}
