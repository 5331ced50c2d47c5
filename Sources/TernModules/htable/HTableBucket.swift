import SIPCore

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
    private let slotLock = RecursiveLock()
    /// Touched only under `slotLock`: the runtime's exclusivity tracking would add nothing.
    @exclusivity(unchecked) var items: [String: HTableItem] = [:]

    func lock() { slotLock.lock() }
    func unlock() { slotLock.unlock() }

    /// Through lock()/unlock(): RecursiveLock.withLock is generic in another module and
    /// would run unspecialised, with a closure call, on every read.
    @inline(__always)
    func withLock<T>(_ body: (HTableBucket) throws -> T) rethrows -> T {
        slotLock.lock()
        defer { slotLock.unlock() }
        return try body(self)
    }
}
