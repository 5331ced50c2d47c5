import TernRuntime

/// The `sl` statistics group under Kamailio's names (`sl.stats`, `$stat(200_replies)`).
/// A class: the module reads it per reply, and a struct of these references would be
/// copied (each one retained and released) every time.
final class SLStatistics: Sendable {
    /// Indexed by `code - 100` (100–699): a reply is counted without hashing. Handles, so
    /// that reading the tables retains none of the counters every worker shares.
    private let byCode: [StatCounterHandle?]
    private let byClass: [StatCounterHandle]      // 1xx ... 6xx
    /// Keeps the counters behind the handles alive.
    private let counters: [StatCounter]
    let other: StatCounter          // codes outside 100–699 never get here; kept for the name
    let sentErrorReplies: StatCounter
    let failures: StatCounter
    let receivedACKs: StatCounter

    init(_ registry: StatisticsRegistry) {
        var byCode = [StatCounterHandle?](repeating: nil, count: 600)
        var counters: [StatCounter] = []
        for code in [200, 202, 300, 301, 302, 400, 401, 403, 404, 407, 408, 483, 500] {
            let counter = registry.counter(group: "sl", name: "\(code)_replies")
            byCode[code - 100] = counter.handle
            counters.append(counter)
        }
        self.byCode = byCode
        let classes = (1...6).map { registry.counter(group: "sl", name: "\($0)xx_replies") }
        byClass = classes.map(\.handle)
        self.counters = counters + classes
        other = registry.counter(group: "sl", name: "xxx_replies")
        sentErrorReplies = registry.counter(group: "sl", name: "sent_err_replies")
        failures = registry.counter(group: "sl", name: "failures")
        receivedACKs = registry.counter(group: "sl", name: "received_ACKs")
    }

    /// `sent_replies` itself is counted once, by the stateless reply path.
    func countReply(_ code: Int) {
        if code >= 100 && code < 700 { byCode[code &- 100]?.increment() }
        let index = code / 100 - 1
        if byClass.indices.contains(index) { byClass[index].increment() } else { other.increment() }
        if code >= 300 { sentErrorReplies.increment() }
    }
}
