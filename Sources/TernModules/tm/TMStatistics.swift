import TernRuntime

/// tm's counters under Kamailio's names (group "tmx" in 5.x), for `$stat` and `stats.*`.
struct TMStatistics: Sendable {
    let serverTransactions: StatCounter
    let clientTransactions: StatCounter
    let completed2xx: StatCounter
    let completed3xx: StatCounter
    let completed4xx: StatCounter
    let completed5xx: StatCounter
    let completed6xx: StatCounter
    /// Transactions in the table now (created minus freed).
    let inUse: StatCounter
    /// Transactions not yet completed (no final reply upstream).
    let active: StatCounter
    let repliesReceived: StatCounter
    let repliesGenerated: StatCounter
    let repliesSent: StatCounter
    let repliesRelayed: StatCounter
    let repliesAbsorbed: StatCounter

    init(_ registry: StatisticsRegistry) {
        func counter(_ name: String) -> StatCounter { registry.counter(group: "tmx", name: name) }
        serverTransactions = counter("UAS_transactions")
        clientTransactions = counter("UAC_transactions")
        completed2xx = counter("2xx_transactions")
        completed3xx = counter("3xx_transactions")
        completed4xx = counter("4xx_transactions")
        completed5xx = counter("5xx_transactions")
        completed6xx = counter("6xx_transactions")
        inUse = counter("inuse_transactions")
        active = counter("active_transactions")
        repliesReceived = counter("rpl_received")
        repliesGenerated = counter("rpl_generated")
        repliesSent = counter("rpl_sent")
        repliesRelayed = counter("rpl_relayed")
        repliesAbsorbed = counter("rpl_absorbed")
    }

    /// A transaction's final reply went upstream.
    func countCompleted(_ code: Int) {
        switch code {
        case 200 ..< 300: completed2xx.increment()
        case 300 ..< 400: completed3xx.increment()
        case 400 ..< 500: completed4xx.increment()
        case 500 ..< 600: completed5xx.increment()
        case 600 ..< 700: completed6xx.increment()
        default: break
        }
    }
}
