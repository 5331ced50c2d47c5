import TernRuntime

/// usrloc's counters under Kamailio's names: `registered_users` for the module, and per table
/// `<table>-users`, `<table>-contacts`, `<table>-expires` — both with Kamailio 4's `-` and 5's
/// `_` separator, since configs and tools use either.
final class LocationTableStatistics: Sendable {
    let users: StatCounter
    let contacts: StatCounter
    let expired: StatCounter
    let usersAlias: StatCounter
    let contactsAlias: StatCounter
    let expiredAlias: StatCounter
    let registeredUsers: StatCounter

    init(table: String, registry: StatisticsRegistry) {
        users = registry.counter(group: "usrloc", name: "\(table)-users")
        contacts = registry.counter(group: "usrloc", name: "\(table)-contacts")
        expired = registry.counter(group: "usrloc", name: "\(table)-expires")
        usersAlias = registry.counter(group: "usrloc", name: "\(table)_users")
        contactsAlias = registry.counter(group: "usrloc", name: "\(table)_contacts")
        expiredAlias = registry.counter(group: "usrloc", name: "\(table)_expires")
        registeredUsers = registry.counter(group: "usrloc", name: "registered_users")
    }

    /// A record went from `before` to `after` contacts.
    func recordChanged(from before: Int, to after: Int) {
        let contactDelta = after - before
        if contactDelta != 0 {
            contacts.increment(by: contactDelta)
            contactsAlias.increment(by: contactDelta)
        }
        let userDelta = (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0)
        if userDelta != 0 {
            users.increment(by: userDelta)
            usersAlias.increment(by: userDelta)
            registeredUsers.increment(by: userDelta)
        }
    }
}
