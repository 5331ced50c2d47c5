import SIPCore

/// Transactions in buckets, one lock per bucket (Kamailio's hash table): a request's bucket
/// comes from its Call-ID and CSeq number (`TransactionHash`), so retransmissions, its ACK and
/// its CANCEL land in the same bucket; within a bucket each transaction has a label, and
/// "hash:label" finds it directly.
///
/// Work on a transaction happens inside `withBucket`: look up, feed the machine, collect the
/// actions, leave — and run the actions (sends, routes) after the lock is released.
public final class TransactionTable<Transaction: AnyObject>: @unchecked Sendable {
    /// One bucket's transactions; only reachable while its lock is held.
    // Inlinable, with the state it touches, so callers in other modules get code specialised
    // for their transaction type instead of generic metadata lookups on every message.
    public struct Bucket {
        public let hashIndex: UInt32
        // Oldest first. A bucket holds a handful of transactions: a scan of their labels
        // costs less than hashing into a dictionary, and the arrays keep their storage.
        @usableFromInline var labels: [UInt32] = []
        @usableFromInline var transactions: [Transaction] = []
        @usableFromInline var nextLabel: UInt32

        @inlinable
        init(hashIndex: UInt32, nextLabel: UInt32) {
            self.hashIndex = hashIndex
            self.nextLabel = nextLabel
        }

        /// Adds a transaction under a fresh label and returns its id.
        @inlinable
        public mutating func insert(_ make: (TransactionID) -> Transaction) -> Transaction {
            var label = nextLabel
            while labels.contains(label) { label &+= 1 }
            nextLabel = label &+ 1
            let id = TransactionID(hashIndex: hashIndex, label: label)
            let transaction = make(id)
            labels.append(label)
            transactions.append(transaction)
            return transaction
        }

        @inlinable
        public func lookup(label: UInt32) -> Transaction? {
            guard let i = labels.firstIndex(of: label) else { return nil }
            return transactions[i]
        }

        /// The first transaction, oldest first, that satisfies `predicate`.
        @inlinable
        public func first(where predicate: (Transaction) -> Bool) -> Transaction? {
            for t in transactions where predicate(t) { return t }
            return nil
        }

        @inlinable @discardableResult
        public mutating func remove(label: UInt32) -> Transaction? {
            guard let i = labels.firstIndex(of: label) else { return nil }
            labels.remove(at: i)
            return transactions.remove(at: i)
        }

        public var count: Int { labels.count }
    }

    @usableFromInline
    final class Slot {
        @usableFromInline let lock = Lock()
        @usableFromInline var bucket: Bucket

        init(_ bucket: Bucket) { self.bucket = bucket }
    }

    public let bucketCount: Int
    @usableFromInline let slots: [Slot]

    /// `bucketCount` is rounded up to a power of two. Labels start at a random value per
    /// bucket, so a reply to a request sent before a restart does not find a new transaction.
    public init(bucketCount: Int = 4096) {
        var n = 1
        while n < bucketCount { n <<= 1 }
        self.bucketCount = n
        var generator = SystemRandomNumberGenerator()
        slots = (0 ..< n).map { index in
            Slot(Bucket(hashIndex: UInt32(index), nextLabel: UInt32.random(in: 1 ... UInt32.max / 2, using: &generator)))
        }
    }

    /// The bucket index for a hash value.
    @inlinable
    public func hashIndex(_ hash: UInt32) -> UInt32 { hash & UInt32(bucketCount - 1) }

    /// Runs `body` with the bucket locked. Never run a route or block inside.
    @inlinable
    public func withBucket<T>(_ hashIndex: UInt32, _ body: (inout Bucket) throws -> T) rethrows -> T {
        let slot = slots[Int(hashIndex) & (bucketCount - 1)]
        return try slot.lock.withLock { try body(&slot.bucket) }
    }

    /// Looks a transaction up by id, under its bucket's lock.
    @inlinable
    public func lookup(_ id: TransactionID) -> Transaction? {
        guard Int(id.hashIndex) < bucketCount else { return nil }
        return withBucket(id.hashIndex) { $0.lookup(label: id.label) }
    }

    @discardableResult
    public func remove(_ id: TransactionID) -> Transaction? {
        guard Int(id.hashIndex) < bucketCount else { return nil }
        return withBucket(id.hashIndex) { $0.remove(label: id.label) }
    }

    /// Transactions in the table now (takes every lock in turn: for statistics, not per message).
    public var count: Int {
        slots.reduce(0) { total, slot in total + slot.lock.withLock { slot.bucket.count } }
    }

    /// Every transaction, bucket by bucket (for management listings and shutdown).
    public func forEach(_ body: (Transaction) -> Void) {
        for slot in slots {
            let items = slot.lock.withLock { slot.bucket.transactions }
            items.forEach(body)
        }
    }
}

/// The hash of a request's Call-ID and CSeq number (FNV-1a): equal for an INVITE, its
/// retransmissions, its CANCEL and its ACK.
public enum TransactionHash {
    public static func hash<Bytes: Sequence>(callID: Bytes, cseqNumber: UInt32) -> UInt32 where Bytes.Element == UInt8 {
        var h: UInt32 = 2_166_136_261
        for byte in callID {
            h = (h ^ UInt32(byte)) &* 16_777_619
        }
        var n = cseqNumber
        for _ in 0 ..< 4 {
            h = (h ^ (n & 0xFF)) &* 16_777_619
            n >>= 8
        }
        return h ^ (h >> 16)
    }
}
