import TernRuntime

/// registrar's statistics under Kamailio's names; the parameter figures are set once.
struct RegistrarStatistics: Sendable {
    let accepted: StatCounter
    let rejected: StatCounter

    init(_ registry: StatisticsRegistry, settings: RegistrarSettings) {
        accepted = registry.counter(group: "registrar", name: "accepted_regs")
        rejected = registry.counter(group: "registrar", name: "rejected_regs")
        let figures: [(String, Int)] = [
            ("max_expires", settings.maxExpires), ("max_contacts", settings.maxContacts),
            ("default_expire", settings.defaultExpires), ("default_expires_range", settings.defaultExpiresRange),
            ("expires_range", settings.expiresRange),
        ]
        for (name, value) in figures {
            let counter = registry.counter(group: "registrar", name: name)
            counter.reset()
            counter.increment(by: value)
        }
    }
}
