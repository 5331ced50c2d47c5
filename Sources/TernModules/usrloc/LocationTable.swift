import TernScript
import TernStorage

/// Why a location change could not be made.
struct LocationStoreError: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// One location table (Kamailio's "domain": `location`, or whatever save()/lookup() name),
/// sharded into buckets by AOR hash, one lock each. A caller's closure runs on one record
/// with its bucket locked — never a route, only the record edit — and the database work its
/// mode asks for happens before the lock is released, so writes to one AOR keep their order.
final class LocationTable: @unchecked Sendable {
    let name: String
    let settings: UsrlocSettings
    let persistence: LocationPersistence?
    let statistics: LocationTableStatistics
    private let buckets: [LocationBucket]
    private let mask: Int

    init(name: String, settings: UsrlocSettings, persistence: LocationPersistence?, statistics: LocationTableStatistics) {
        self.name = name
        self.settings = settings
        self.persistence = persistence
        self.statistics = statistics
        let count = 1 << max(1, min(settings.hashSize, 16))
        buckets = (0..<count).map { _ in LocationBucket() }
        mask = count - 1
    }

    var bucketCount: Int { buckets.count }

    /// FNV-1a over the AOR bytes: cheap and spreads `user1`…`userN` evenly.
    static func hash(_ aor: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        var text = aor
        // Over the contiguous UTF-8 (walking `utf8` by index costs several times more).
        text.withUTF8 { bytes in
            for byte in bytes {
                h ^= UInt32(byte)
                h = h &* 16_777_619
            }
        }
        return h
    }

    private func bucket(_ aor: String) -> LocationBucket { buckets[Int(Self.hash(aor)) & mask] }

    private func bucket(_ key: AORKey) -> LocationBucket { buckets[Int(key.hash) & mask] }

    /// Changes the record of `aor` (an empty one when absent). A database error in the modes
    /// that write at once puts the record back as it was and is thrown: nothing is
    /// acknowledged that was not stored.
    func modify<T>(_ aor: String, _ body: (inout LocationRecord) -> T) throws(LocationStoreError) -> T {
        if settings.databaseMode == .databaseOnly {
            let bucket = bucket(aor)
            bucket.lock.lock()
            defer { bucket.lock.unlock() }
            guard let persistence else { throw LocationStoreError("no database for db_mode 3") }
            var record: LocationRecord
            do throws(DatabaseError) {
                record = try persistence.loadRecord(aor, newestFirst: settings.newestFirst)
            } catch {
                throw LocationStoreError("cannot read \(name) for \(aor): \(error.message)")
            }
            let result = body(&record)
            let changes = record.drainChanges()
            do throws(DatabaseError) {
                try persistence.write(changes, aor: aor)
            } catch {
                throw LocationStoreError("cannot write \(name) for \(aor): \(error.message)")
            }
            return result
        }
        // An existing record is edited where it lies in the dictionary (through its index, so
        // no closure or default value is made per call): one hash lookup, and the contact array
        // stays uniquely referenced, so the edit does not copy it. A new one is filled first
        // and stored only when it has contacts. The body only edits the record it is given
        // (it never reaches this table).
        let key = AORKey(aor)
        let bucket = bucket(key)
        bucket.lock.lock()
        defer { bucket.lock.unlock() }
        let tracksChanges = settings.databaseMode == .writeThrough || settings.databaseMode == .writeBack
        let keepsOriginal = settings.databaseMode == .writeThrough
        var before = 0
        var after = 0
        var original: LocationRecord?
        var changes: [LocationChange] = []
        if let slot = bucket.records.index(forKey: key) {
            let result = Self.edit(
                &bucket.records.values[slot], tracksChanges: tracksChanges, keepsOriginal: keepsOriginal,
                before: &before, after: &after, original: &original, changes: &changes, body)
            do throws(LocationStoreError) {
                try store(changes, aor: aor, in: bucket)
            } catch {
                if let original, !original.isEmpty {
                    bucket.records.values[slot] = original
                } else {
                    bucket.records.remove(at: slot)
                }
                throw error
            }
            // A record without contacts is not kept.
            if after == 0 { bucket.records.remove(at: slot) }
            statistics.recordChanged(from: before, to: after)
            return result
        }
        var record = LocationRecord(aor: aor)
        let result = Self.edit(
            &record, tracksChanges: tracksChanges, keepsOriginal: false,
            before: &before, after: &after, original: &original, changes: &changes, body)
        try store(changes, aor: aor, in: bucket)
        if after > 0 { bucket.records[key] = record }
        statistics.recordChanged(from: before, to: after)
        return result
    }

    /// What the database modes do with a record's changes: db_mode 1 writes them now (a
    /// failure is thrown), db_mode 2 queues them for the timer.
    private func store(_ changes: [LocationChange], aor: String, in bucket: LocationBucket) throws(LocationStoreError) {
        guard !changes.isEmpty else { return }
        switch settings.databaseMode {
        case .writeThrough:
            guard let persistence else { return }
            do throws(DatabaseError) {
                try persistence.write(changes, aor: aor)
            } catch {
                throw LocationStoreError("cannot write \(name) for \(aor): \(error.message)")
            }
        case .writeBack:
            bucket.pending.append(contentsOf: changes.map { PendingChange(aor: aor, change: $0) })
        case .memory, .readOnly, .databaseOnly:
            break
        }
    }

    /// Runs `body` on a record, noting its contact count before and after, the record as it
    /// was (db_mode 1 puts it back on a write error) and the changes to write.
    @inline(__always)
    private static func edit<T>(
        _ record: inout LocationRecord, tracksChanges: Bool, keepsOriginal: Bool, before: inout Int, after: inout Int,
        original: inout LocationRecord?, changes: inout [LocationChange], _ body: (inout LocationRecord) -> T
    ) -> T {
        before = record.contacts.count
        record.tracksChanges = tracksChanges
        if keepsOriginal { original = record }
        let result = body(&record)
        if tracksChanges { changes = record.drainChanges() }
        after = record.contacts.count
        return result
    }

    /// Reads the record of `aor` (nil when it has no bindings).
    func read<T>(_ aor: String, _ body: (LocationRecord?) -> T) throws(LocationStoreError) -> T {
        if settings.databaseMode == .databaseOnly {
            guard let persistence else { throw LocationStoreError("no database for db_mode 3") }
            do throws(DatabaseError) {
                let record = try persistence.loadRecord(aor, newestFirst: settings.newestFirst)
                return body(record.isEmpty ? nil : record)
            } catch {
                throw LocationStoreError("cannot read \(name) for \(aor): \(error.message)")
            }
        }
        let key = AORKey(aor)
        let bucket = bucket(key)
        return bucket.lock.withLock { body(bucket.records[key]) }
    }

    /// Every record (a copy), bucket by bucket, with the bucket index (Kamailio's HashID).
    func snapshot() throws(LocationStoreError) -> [(bucket: Int, record: LocationRecord)] {
        if settings.databaseMode == .databaseOnly {
            guard let persistence else { throw LocationStoreError("no database for db_mode 3") }
            do throws(DatabaseError) {
                return try persistence.loadAll(newestFirst: settings.newestFirst).map {
                    (Int(Self.hash($0.aor)) & mask, $0)
                }
            } catch {
                throw LocationStoreError("cannot read \(name): \(error.message)")
            }
        }
        var out: [(bucket: Int, record: LocationRecord)] = []
        for (index, bucket) in buckets.enumerated() {
            let records = bucket.lock.withLock { Array(bucket.records.values) }
            for record in records.sorted(by: { $0.aor < $1.aor }) { out.append((index, record)) }
        }
        return out
    }

    /// Drops contacts expired by `now` (and deletes their rows in the modes that write);
    /// returns them with their AOR, for the `usrloc:contact-expired` event and counters.
    @discardableResult
    func expire(at now: Int) -> [(aor: String, contact: LocationContact)] {
        if settings.databaseMode == .databaseOnly {
            try? persistence?.deleteExpired(before: now)
            return []
        }
        var gone: [(aor: String, contact: LocationContact)] = []
        for bucket in buckets {
            bucket.lock.withLock {
                for key in Array(bucket.records.keys) {
                    guard var record = bucket.records[key] else { continue }
                    let aor = key.text
                    let before = record.contacts.count
                    record.tracksChanges = settings.databaseMode == .writeThrough || settings.databaseMode == .writeBack
                    let expired = record.removeExpired(at: now)
                    guard !expired.isEmpty else { continue }
                    let changes = record.drainChanges()
                    switch settings.databaseMode {
                    case .writeThrough: try? persistence?.write(changes, aor: aor)
                    case .writeBack: bucket.pending.append(contentsOf: changes.map { PendingChange(aor: aor, change: $0) })
                    default: break
                    }
                    bucket.records[key] = record.isEmpty ? nil : record
                    statistics.recordChanged(from: before, to: record.contacts.count)
                    for contact in expired { gone.append((aor, contact)) }
                }
            }
        }
        statistics.expired.increment(by: gone.count)
        statistics.expiredAlias.increment(by: gone.count)
        return gone
    }

    /// Writes what db_mode 2 has queued. Each bucket's queue is written under its lock, so a
    /// change made meanwhile waits and lands after it.
    func flush() throws(LocationStoreError) {
        guard settings.databaseMode == .writeBack, let persistence else { return }
        for bucket in buckets {
            bucket.lock.lock()
            let pending = bucket.pending
            bucket.pending.removeAll()
            do throws(DatabaseError) {
                for item in pending { try persistence.write([item.change], aor: item.aor) }
                bucket.lock.unlock()
            } catch {
                bucket.lock.unlock()
                throw LocationStoreError("cannot flush \(name): \(error.message)")
            }
        }
    }

    /// Fills the memory from the database (db_mode 1, 2, 4 at start).
    func load() throws(LocationStoreError) {
        guard let persistence else { return }
        let records: [LocationRecord]
        do throws(DatabaseError) {
            records = try persistence.loadAll(newestFirst: settings.newestFirst)
        } catch {
            throw LocationStoreError("cannot load \(name): \(error.message)")
        }
        for record in records {
            let key = AORKey(record.aor)
            let bucket = bucket(key)
            bucket.lock.withLock {
                let before = bucket.records[key]?.contacts.count ?? 0
                bucket.records[key] = record
                statistics.recordChanged(from: before, to: record.contacts.count)
            }
        }
    }

    /// Finds the AOR holding the contact with `ruid` (unregister without a URI).
    func aor(holdingRUID ruid: String) throws(LocationStoreError) -> String? {
        for entry in try snapshot() where entry.record.index(ofRUID: ruid) != nil { return entry.record.aor }
        return nil
    }
}

final class LocationBucket: @unchecked Sendable {
    let lock = BucketLock()
    // Only touched with `lock` held, so the dynamic exclusivity checks would only cost time.
    @exclusivity(unchecked) var records: [AORKey: LocationRecord] = [:]
    /// db_mode 2: changes not written yet, in the order they were made.
    @exclusivity(unchecked) var pending: [PendingChange] = []
}

struct PendingChange: Sendable {
    var aor: String
    var change: LocationChange
}

/// An AOR as a bucket's key: the FNV hash that chose the bucket is made once and is all the
/// dictionary hashes, instead of the whole text again.
struct AORKey: Hashable, Sendable {
    let text: String
    let hash: UInt32

    init(_ text: String) {
        self.text = text
        hash = LocationTable.hash(text)
    }

    static func == (a: AORKey, b: AORKey) -> Bool { a.hash == b.hash && a.text == b.text }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
