import Atomics
import TernScript

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A named counter as `$stat(name)` and `stats.get_statistics` show it. Updated with a
/// relaxed atomic add: counters are read for reporting, never to synchronise. Each thread
/// adds into one of a few shards, each on its own cache line, so the worker threads do not
/// bounce one line between cores several times per message; a read sums the shards.
public final class StatCounter: @unchecked Sendable {
    public let group: String
    public let name: String
    private static let shardCount = 8
    private static let shardStride = 64
    private let shards: UnsafeMutableRawPointer

    public init(group: String, name: String) {
        self.group = group
        self.name = name
        shards = UnsafeMutableRawPointer.allocate(
            byteCount: Self.shardCount * Self.shardStride, alignment: Self.shardStride)
        for index in 0..<Self.shardCount {
            (shards + index * Self.shardStride)
                .initializeMemory(as: UnsafeAtomic<Int>.Storage.self, to: .init(0))
        }
    }

    // The shards hold plain integers: nothing to deinitialise. (`UnsafeAtomic.destroy()`
    // would free each shard's address, which is not its own allocation.)
    deinit { shards.deallocate() }

    @inline(__always) private func shard(_ index: Int) -> UnsafeAtomic<Int> {
        UnsafeAtomic<Int>(at: (shards + index * Self.shardStride)
            .assumingMemoryBound(to: UnsafeAtomic<Int>.Storage.self))
    }

    /// Threads' control blocks sit a stack apart (a multiple of a page), so page-number bits
    /// of `pthread_self()` tell concurrent threads apart without any thread-local lookup.
    /// Two threads sharing a shard stay correct, only slower.
    @inline(__always) fileprivate static var threadShard: Int {
        #if canImport(Glibc)
        let id = UInt(pthread_self())
        #else
        let id = UInt(bitPattern: pthread_self())
        #endif
        return Int(truncatingIfNeeded: (id >> 12) ^ (id >> 15) ^ (id >> 18)) & (shardCount - 1)
    }

    @inline(__always) public func increment(by amount: Int = 1) {
        // The shards' address is read before pthread_self(), an opaque call: the caller's
        // reference is then no longer needed across it, so the optimiser drops the retain and
        // release it would otherwise put around it (on a counter every worker shares).
        Self.increment(shards, by: amount)
    }

    @inline(__always) fileprivate static func increment(_ base: UnsafeMutableRawPointer, by amount: Int) {
        let index = threadShard
        UnsafeAtomic<Int>(at: (base + index * shardStride)
            .assumingMemoryBound(to: UnsafeAtomic<Int>.Storage.self))
            .wrappingIncrement(by: amount, ordering: .relaxed)
    }

    /// This counter's storage as a plain value (see StatCounterHandle).
    public var handle: StatCounterHandle { StatCounterHandle(shards: shards) }
    public var current: Int {
        var total = 0
        for index in 0..<Self.shardCount {
            total &+= shard(index).load(ordering: .relaxed)
        }
        return total
    }
    public func reset() {
        for index in 0..<Self.shardCount {
            shard(index).store(0, ordering: .relaxed)
        }
    }
}

/// A counter's storage without the object, for tables of counters on a hot path: copying
/// or loading it retains nothing (loading a StatCounter out of an array retains the object
/// all workers share). Valid while its counter lives; the registry keeps every counter for
/// the server's lifetime.
public struct StatCounterHandle: @unchecked Sendable {
    fileprivate let shards: UnsafeMutableRawPointer

    @inline(__always) public func increment(by amount: Int = 1) {
        StatCounter.increment(shards, by: amount)
    }
}

/// The statistics of the server, looked up by name only when a config is compiled, a module
/// starts or a management command asks — never to count. A lock keeps a late registration
/// (a module started after the workers) from racing a `$stat` read.
public final class StatisticsRegistry: @unchecked Sendable {
    private let lock = Lock()
    private var counters: [String: StatCounter] = [:]
    private var order: [StatCounter] = []

    public init() {}

    /// Registers (or returns the existing) counter `group:name`.
    public func counter(group: String, name: String) -> StatCounter {
        lock.withLock {
            if let existing = counters[name] { return existing }
            let counter = StatCounter(group: group, name: name)
            counters[name] = counter
            order.append(counter)
            return counter
        }
    }

    public func lookup(_ name: String) -> StatCounter? { lock.withLock { counters[name] } }
    public var all: [StatCounter] { lock.withLock { order } }
}

/// Kamailio's core counters, under the names scripts and tools already use.
public struct CoreStatistics: Sendable {
    public let receivedRequests: StatCounter
    public let receivedReplies: StatCounter
    public let sentReplies: StatCounter
    public let badMessages: StatCounter
    public let droppedRequests: StatCounter
    public let droppedReplies: StatCounter
    public let errorRequests: StatCounter
    public let errorReplies: StatCounter
    /// Per-method and per-class counters (rcv_requests_invite, rcv_replies_4xx, …).
    public let detail: KamailioCoreStatistics

    public init(_ registry: StatisticsRegistry) {
        detail = KamailioCoreStatistics(registry)
        receivedRequests = registry.counter(group: "core", name: "rcv_requests")
        receivedReplies = registry.counter(group: "core", name: "rcv_replies")
        sentReplies = registry.counter(group: "core", name: "sent_replies")
        badMessages = registry.counter(group: "core", name: "bad_msg_hdr")
        droppedRequests = registry.counter(group: "core", name: "drop_requests")
        droppedReplies = registry.counter(group: "core", name: "drop_replies")
        errorRequests = registry.counter(group: "core", name: "err_requests")
        errorReplies = registry.counter(group: "core", name: "err_replies")
    }
}
