#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds now, as the tables see it (injected so expiry is tested without waiting).
typealias HTableClock = @Sendable () -> Int

enum HTableSystemClock {
    static let now: HTableClock = { Int(time(nil)) }
}

/// One shared hash table (`$sht(name=>key)`): 2^size slots, each with its own lock, so
/// workers touching different keys rarely wait for each other. Values are integers or
/// strings. As in Kamailio, items expire only in tables with `autoexpire`: reads skip an
/// expired item at once, the timer's sweep (`removeExpired`) frees it.
final class HTable: @unchecked Sendable {
    let definition: HTableDefinition
    let buckets: [HTableBucket]
    private let clock: HTableClock
    private let mask: Int

    var name: String { definition.name }

    init(definition: HTableDefinition, clock: @escaping HTableClock = HTableSystemClock.now) {
        self.definition = definition
        self.clock = clock
        let count = definition.slotCount
        buckets = (0 ..< count).map { _ in HTableBucket() }
        mask = count - 1
    }

    /// The slot a key lives in (FNV-1a over its bytes).
    func slot(for key: String) -> Int {
        @inline(__always) func fnv(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
            var hash: UInt32 = 2_166_136_261
            for b in bytes { hash = (hash ^ UInt32(b)) &* 16_777_619 }
            return hash
        }
        // Native and small strings hand out their bytes directly; others are walked.
        if let hash = key.utf8.withContiguousStorageIfAvailable(fnv) { return Int(hash) & mask }
        var hash: UInt32 = 2_166_136_261
        for b in key.utf8 {
            hash ^= UInt32(b)
            hash = hash &* 16_777_619
        }
        return Int(hash) & mask
    }

    @inline(__always) private func bucket(_ key: String) -> HTableBucket { buckets[slot(for: key)] }

    /// Kamailio takes the time only for tables that expire items; others keep expire 0.
    private var expiryNow: Int { definition.autoexpire > 0 ? clock() : 0 }

    @inline(__always) private func isExpired(_ item: HTableItem, _ now: Int) -> Bool {
        definition.autoexpire > 0 && item.expire != 0 && item.expire < now
    }

    // MARK: - Items

    /// The value of a live item; nil when missing or expired.
    func get(_ key: String) -> HTableValue? {
        let now = expiryNow
        return bucket(key).withLock { b in
            guard let item = b.items[key], !isExpired(item, now) else { return nil }
            return item.value
        }
    }

    /// Sets a value. `expireIn` > 0 gives this item its own lifetime; otherwise a new item
    /// gets the table's and an update restarts it when `updateexpire` is on.
    func set(_ key: String, _ value: HTableValue, expireIn: Int = 0) {
        let now = expiryNow
        bucket(key).withLock { b in
            if var item = b.items[key] {
                item.value = value
                if expireIn > 0 {
                    item.expire = now + expireIn
                } else if definition.updateExpire {
                    item.expire = now + definition.autoexpire
                }
                b.items[key] = item
            } else {
                b.items[key] = HTableItem(value: value, expire: now + (expireIn > 0 ? expireIn : definition.autoexpire))
            }
        }
    }

    /// Removes a key; true when it was there.
    @discardableResult
    func delete(_ key: String) -> Bool {
        bucket(key).withLock { b in b.items.removeValue(forKey: key) != nil }
    }

    /// $shtinc/$shtdec: adds `delta` to an integer item under its slot lock and returns the
    /// new value. A missing (or expired) key starts from `initval`; without one, or for a
    /// string item, nil.
    func add(_ key: String, _ delta: Int) -> Int? {
        let now = expiryNow
        return bucket(key).withLock { b -> Int? in
            if var item = b.items[key] {
                if isExpired(item, now) {
                    guard let initial = definition.initialValue else { return nil }
                    item.expire = definition.autoexpire > 0 ? now + definition.autoexpire : 0
                    item.value = .int(initial)
                }
                guard case .int(let old) = item.value else { return nil }
                let new = Self.wrapped(old &+ delta)
                item.value = .int(new)
                if definition.updateExpire { item.expire = now + definition.autoexpire }
                b.items[key] = item
                return new
            }
            guard let initial = definition.initialValue else { return nil }
            let new = Self.wrapped(initial &+ delta)
            b.items[key] = HTableItem(value: .int(new), expire: now + definition.autoexpire)
            return new
        }
    }

    /// Script integers are 32-bit and wrap around.
    static func wrapped(_ value: Int) -> Int { Int(Int32(truncatingIfNeeded: value)) }

    /// $shtex assignment: the item expires `seconds` from now (0: never).
    func setExpire(_ key: String, seconds: Int) {
        let at = seconds > 0 ? clock() + seconds : 0
        bucket(key).withLock { b in b.items[key]?.expire = at }
    }

    /// $shtex read: seconds left; 0 for a table without autoexpire or a missing key.
    func secondsToExpire(_ key: String) -> Int {
        guard definition.autoexpire > 0 else { return 0 }
        let now = clock()
        return bucket(key).withLock { b in
            guard let item = b.items[key], item.expire != 0 else { return 0 }
            return max(0, item.expire - now)
        }
    }

    /// The whole item (RPC htable.get); nil when missing or expired.
    func item(_ key: String) -> HTableItem? {
        let now = expiryNow
        return bucket(key).withLock { b in
            guard let item = b.items[key], !isExpired(item, now) else { return nil }
            return item
        }
    }

    // MARK: - Whole table

    /// Removes every item `matches` accepts; returns how many went.
    @discardableResult
    func removeAll(where matches: (String, HTableItem) -> Bool) -> Int {
        var removed = 0
        for b in buckets {
            b.withLock { b in
                for (key, item) in b.items where matches(key, item) {
                    b.items.removeValue(forKey: key)
                    removed += 1
                }
            }
        }
        return removed
    }

    func reset() {
        for b in buckets { b.withLock { $0.items.removeAll() } }
    }

    /// Live items `matches` accepts.
    func count(where matches: (String, HTableItem) -> Bool) -> Int {
        let now = expiryNow
        var total = 0
        for b in buckets {
            b.withLock { b in
                for (key, item) in b.items where !isExpired(item, now) && matches(key, item) { total += 1 }
            }
        }
        return total
    }

    /// Whether any item (expired ones included, as Kamailio's match functions see them) matches.
    func contains(where matches: (String, HTableItem) -> Bool) -> Bool {
        for b in buckets {
            if b.withLock({ b in b.items.contains { matches($0.key, $0.value) } }) { return true }
        }
        return false
    }

    /// Items stored, expired ones not yet swept included (`$shtcn(t=>**)`).
    var storedCount: Int {
        buckets.reduce(0) { sum, b in sum + b.withLock { $0.items.count } }
    }

    /// The timer's sweep: removes expired items and returns them (for htable:expired routes).
    func removeExpired() -> [(key: String, item: HTableItem)] {
        guard definition.autoexpire > 0 else { return [] }
        let now = clock()
        var gone: [(key: String, item: HTableItem)] = []
        for b in buckets {
            b.withLock { b in
                for (key, item) in b.items where item.expire != 0 && item.expire < now {
                    b.items.removeValue(forKey: key)
                    gone.append((key, item))
                }
            }
        }
        return gone
    }

    /// Every slot that holds items, with its items sorted by key (RPC dumps, sht_print).
    func snapshot() -> [(slot: Int, items: [(key: String, item: HTableItem)])] {
        var out: [(slot: Int, items: [(key: String, item: HTableItem)])] = []
        for (index, b) in buckets.enumerated() {
            let items = b.withLock { b in b.items.map { (key: $0.key, item: $0.value) } }
            if !items.isEmpty { out.append((index, items.sorted { $0.key < $1.key })) }
        }
        return out
    }

    /// sht_lock/sht_unlock: hold the slot of `key` across script statements.
    func lockSlot(of key: String) { bucket(key).lock() }
    func unlockSlot(of key: String) { bucket(key).unlock() }

    var now: Int { clock() }
}
