/// Every binding of one AOR, in the order lookups try them: highest q first, then in the
/// order they were registered (Kamailio's default), or newest first with `desc_time_order`.
struct LocationRecord: Sendable {
    let aor: String
    private(set) var contacts: [LocationContact] = []
    /// What changed since the table last drained it (for the database modes).
    private(set) var changes: [LocationChange] = []
    /// Whether `changes` is kept (memory-only tables skip the bookkeeping).
    var tracksChanges = true

    init(aor: String, contacts: [LocationContact] = []) {
        self.aor = aor
        self.contacts = contacts
    }

    var isEmpty: Bool { contacts.isEmpty }

    func validContacts(at now: Int) -> [LocationContact] { contacts.filter { $0.isValid(at: now) } }

    func index(ofRUID ruid: String) -> Int? { contacts.firstIndex { $0.ruid == ruid } }

    mutating func insert(_ contact: __owned LocationContact, newestFirst: Bool) {
        if tracksChanges { changes.append(.inserted(contact)) }
        let position = position(for: contact, newestFirst: newestFirst)
        if position == contacts.count {
            contacts.append(contact)
        } else {
            contacts.insert(contact, at: position)
        }
    }

    /// A refreshed contact keeps its place unless its q changed (or the newest goes first).
    mutating func update(at index: Int, to contact: __owned LocationContact, newestFirst: Bool) {
        if tracksChanges { changes.append(.updated(contact)) }
        if !newestFirst && contacts[index].q == contact.q {
            contacts[index] = contact
        } else {
            contacts.remove(at: index)
            contacts.insert(contact, at: position(for: contact, newestFirst: newestFirst))
        }
    }

    mutating func remove(at index: Int) {
        let contact = contacts.remove(at: index)
        if tracksChanges { changes.append(.deleted(contact)) }
    }

    mutating func removeAll() {
        if tracksChanges { for contact in contacts { changes.append(.deleted(contact)) } }
        contacts.removeAll()
    }

    /// Removes contacts that expired by `now` (permanent ones stay); returns them.
    mutating func removeExpired(at now: Int) -> [LocationContact] {
        var gone: [LocationContact] = []
        contacts.removeAll { contact in
            if contact.isValid(at: now) { return false }
            gone.append(contact)
            return true
        }
        if tracksChanges { for contact in gone { changes.append(.expired(contact)) } }
        return gone
    }

    mutating func drainChanges() -> [LocationChange] {
        defer { changes.removeAll() }
        return changes
    }

    /// Where a contact goes: after every contact with a q at least as high (so equal q keeps
    /// registration order), or at the front when the newest comes first.
    private func position(for contact: LocationContact, newestFirst: Bool) -> Int {
        if newestFirst { return 0 }
        return contacts.firstIndex { $0.q < contact.q } ?? contacts.count
    }
}

/// One change to a record, as the database modes write it.
enum LocationChange: Sendable {
    case inserted(LocationContact)
    case updated(LocationContact)
    case deleted(LocationContact)
    case expired(LocationContact)

    var contact: LocationContact {
        switch self {
        case .inserted(let c), .updated(let c), .deleted(let c), .expired(let c): return c
        }
    }
}
