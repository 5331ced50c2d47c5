import Atomics
import TernScript

/// A named counter as `$stat(name)` and `stats.get_statistics` show it. Updated with a
/// relaxed atomic add: counters are read for reporting, never to synchronise.
public final class StatCounter: Sendable {
    public let group: String
    public let name: String
    private let value = ManagedAtomic<Int>(0)

    public init(group: String, name: String) {
        self.group = group
        self.name = name
    }

    @inline(__always) public func increment(by amount: Int = 1) {
        value.wrappingIncrement(by: amount, ordering: .relaxed)
    }
    public var current: Int { value.load(ordering: .relaxed) }
    public func reset() { value.store(0, ordering: .relaxed) }
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
