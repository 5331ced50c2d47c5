import TernRuntime

/// The `sl` statistics group under Kamailio's names (`sl.stats`, `$stat(200_replies)`).
struct SLStatistics: Sendable {
    let byCode: [Int: StatCounter]
    let byClass: [StatCounter]      // 1xx ... 6xx
    let other: StatCounter          // codes outside 100–699 never get here; kept for the name
    let sentErrorReplies: StatCounter
    let failures: StatCounter
    let receivedACKs: StatCounter

    init(_ registry: StatisticsRegistry) {
        var byCode: [Int: StatCounter] = [:]
        for code in [200, 202, 300, 301, 302, 400, 401, 403, 404, 407, 408, 483, 500] {
            byCode[code] = registry.counter(group: "sl", name: "\(code)_replies")
        }
        self.byCode = byCode
        byClass = (1...6).map { registry.counter(group: "sl", name: "\($0)xx_replies") }
        other = registry.counter(group: "sl", name: "xxx_replies")
        sentErrorReplies = registry.counter(group: "sl", name: "sent_err_replies")
        failures = registry.counter(group: "sl", name: "failures")
        receivedACKs = registry.counter(group: "sl", name: "received_ACKs")
    }

    /// `sent_replies` itself is counted once, by the stateless reply path.
    func countReply(_ code: Int) {
        byCode[code]?.increment()
        let index = code / 100 - 1
        if byClass.indices.contains(index) { byClass[index].increment() } else { other.increment() }
        if code >= 300 { sentErrorReplies.increment() }
    }
}
