#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Atomics
import TernRuntime
import TernScript
import TernStorage

/// The location service of one server: its tables by name, the clock they expire by, the
/// database behind them. The registrar reaches it through `UserLocationDirectory`.
final class UserLocation: @unchecked Sendable {
    let settings: UsrlocSettings
    let statistics: StatisticsRegistry
    let pool: DatabasePool?
    /// Seconds since the epoch; tests replace it to expire contacts without waiting.
    private let clockLock = Lock()
    private var clock: @Sendable () -> Int = { Int(time(nil)) }
    /// True until a test replaces the clock: every REGISTER reads `now`, and both workers
    /// taking one mutex (and retaining one closure) for it made their cores trade cache lines.
    private let usesSystemClock = ManagedAtomic<Bool>(true)
    private let tablesLock = BucketLock()
    private var tables: [String: LocationTable] = [:]
    private var tableOrder: [String] = []
    private let ruidCounter = ManagedAtomic<Int>(0)
    /// `uloc-<time>-<pid><random>-`, as bytes: each id is this and a counter.
    private let ruidPrefix: [UInt8]

    init(settings: UsrlocSettings, statistics: StatisticsRegistry, pool: DatabasePool?) {
        self.settings = settings
        self.statistics = statistics
        self.pool = pool
        // Time and pid as Kamailio's sruid has them, plus a random part: two servers sharing a
        // database (or two location services in one process) must never make the same id.
        ruidPrefix = Array(("uloc-\(String(Int(time(nil)), radix: 16))-\(String(Int(getpid()), radix: 16))"
            + "\(String(UInt16.random(in: 0x1000...0xFFFF), radix: 16))-").utf8)
    }

    var now: Int {
        if usesSystemClock.load(ordering: .acquiring) { return Int(time(nil)) }
        return clockLock.withLock { clock }()
    }

    /// Replaces the clock (tests).
    func setClock(_ clock: @escaping @Sendable () -> Int) {
        clockLock.withLock { self.clock = clock }
        usesSystemClock.store(false, ordering: .releasing)
    }

    /// A unique id for a new binding (Kamailio's `uloc-<time>-<pid>-<n>`).
    func nextRUID() -> String {
        let number = UInt(bitPattern: ruidCounter.wrappingIncrementThenLoad(ordering: .relaxed))
        // Written straight into the String's storage: one allocation per id.
        return ruidPrefix.withUnsafeBufferPointer { prefix in
            String(unsafeUninitializedCapacity: prefix.count + 20) { out in
                var count = prefix.count
                if let base = out.baseAddress, let source = prefix.baseAddress {
                    base.update(from: source, count: count)
                }
                var digits = 1
                var rest = number / 10
                while rest > 0 { digits += 1; rest /= 10 }
                rest = number
                var index = count + digits
                while index > count {
                    index -= 1
                    out[index] = UInt8(48 + rest % 10)
                    rest /= 10
                }
                count += digits
                return count
            }
        }
    }

    /// The table of that name, made (and, with a database, created and loaded) on first use.
    func table(named name: String) throws(LocationStoreError) -> LocationTable {
        tablesLock.lock()
        defer { tablesLock.unlock() }
        if let existing = tables[name] { return existing }
        var persistence: LocationPersistence?
        if settings.databaseMode.usesDatabase, let pool {
            do throws(DatabaseError) {
                persistence = try LocationPersistence(pool: pool, table: name, useDomain: settings.useDomain, serverID: settings.serverID)
            } catch {
                throw LocationStoreError("usrloc: table '\(name)' unavailable in the database: \(error.message)")
            }
        }
        let table = LocationTable(
            name: name, settings: settings, persistence: persistence,
            statistics: LocationTableStatistics(table: name, registry: statistics))
        if settings.databaseMode.loadsAtStart { try table.load() }
        tables[name] = table
        tableOrder.append(name)
        return table
    }

    /// The table of that name when a config line or command already made it.
    func existingTable(named name: String) -> LocationTable? {
        tablesLock.withLock { tables[name] }
    }

    var allTables: [LocationTable] {
        tablesLock.withLock { tableOrder.compactMap { tables[$0] } }
    }

    /// One timer round: expired contacts go, db_mode 2's queue is written.
    @discardableResult
    func timerTick() -> [(table: String, aor: String, contact: LocationContact)] {
        let time = now
        var gone: [(table: String, aor: String, contact: LocationContact)] = []
        for table in allTables {
            for entry in table.expire(at: time) { gone.append((table.name, entry.aor, entry.contact)) }
            try? table.flush()
        }
        return gone
    }

    /// db_mode 2 on shutdown and `ul.flush`.
    func flushAll() throws(LocationStoreError) {
        for table in allTables { try table.flush() }
    }

    /// The AOR key of a URI: `user` (or `user@host` with use_domain), unescaped, and
    /// lowercased unless the registrar is case-sensitive. Nil when it is not a SIP/tel URI.
    func aor(of uriText: String, caseSensitive: Bool) -> String? {
        LocationAOR.make(uriText, useDomain: settings.useDomain, caseSensitive: caseSensitive)
    }
}

/// Finds the location service of a server from its RuntimeServices: usrloc registers it when
/// configured, the registrar (configured after it, as `loadmodule` orders them) looks it up.
enum UserLocationDirectory {
    private static let lock = Lock()
    nonisolated(unsafe) private static var entries: [(services: Weak, location: UserLocation)] = []

    private struct Weak {
        weak var value: RuntimeServices?
    }

    static func register(_ location: UserLocation, for services: RuntimeServices) {
        lock.withLock {
            entries.removeAll { $0.services.value == nil || $0.services.value === services }
            entries.append((Weak(value: services), location))
        }
    }

    static func location(for services: RuntimeServices) -> UserLocation? {
        lock.withLock { entries.first { $0.services.value === services }?.location }
    }
}
