import TernRuntime
import TernScript

/// t_load_contacts / t_next_contacts: serial forking by q-value. The R-URI and the branches
/// are ordered by q (highest first, equal q keeping their order) into the AVP named by
/// `contacts_avp`; each t_next_contacts takes the next group of equal q into the R-URI and
/// the destination set. The AVPs live with the transaction, so failure_route continues.
extension TMModule {
    /// One contact as kept in the AVP: "q\u{1}uri\u{1}du\u{1}flags\u{1}path".
    struct StoredContact {
        var q: Int
        var uri: String
        var destination: String?
        var flags: UInt32
        var path: String?

        var encoded: String {
            "\(q)\u{1}\(uri)\u{1}\(destination ?? "")\u{1}\(flags)\u{1}\(path ?? "")"
        }

        init(q: Int, uri: String, destination: String?, flags: UInt32, path: String?) {
            self.q = q
            self.uri = uri
            self.destination = destination
            self.flags = flags
            self.path = path
        }

        init?(_ text: String) {
            let parts = text.split(separator: "\u{1}", omittingEmptySubsequences: false)
            guard parts.count == 5, let q = Int(parts[0]), let flags = UInt32(parts[3]) else { return nil }
            self.init(q: q, uri: String(parts[1]), destination: parts[2].isEmpty ? nil : String(parts[2]), flags: flags,
                      path: parts[4].isEmpty ? nil : String(parts[4]))
        }
    }

    private func contactsName(_ context: ScriptContext, _ function: String) -> AVPList.Name? {
        guard let raw = settings.contactsAVP, !raw.isEmpty else {
            context.worker.logger.error("\(function): the tm parameter contacts_avp is not set")
            return nil
        }
        var name = raw.hasPrefix("$avp(") && raw.hasSuffix(")") ? String(raw.dropFirst(5).dropLast()) : raw
        if name.hasPrefix("s:") { name = String(name.dropFirst(2)) }
        if name.hasPrefix("i:"), let n = Int(name.dropFirst(2)) { return .int(n) }
        return .string(name)
    }

    func loadContacts(_ context: ScriptContext) -> Int {
        guard let name = contactsName(context, "t_load_contacts") else { return -1 }
        // With nothing to order (no branches) there is nothing to do.
        guard !context.branches.isEmpty else { return 1 }
        var contacts = [StoredContact(q: 1000, uri: context.outgoingRequestURI, destination: context.destinationURI,
                                      flags: context.requestBranchFlags, path: context.pathVector)]
        for branch in context.branches {
            contacts.append(StoredContact(q: branch.q ?? 1000, uri: branch.uri, destination: branch.destinationURI,
                                          flags: branch.flags, path: branch.path))
        }
        let ordered = contacts.enumerated().sorted { a, b in
            a.element.q != b.element.q ? a.element.q > b.element.q : a.offset < b.offset
        }.map(\.element)
        context.avps.remove(name, all: true)
        // The newest AVP value is read first: add the last to take first.
        for contact in ordered.reversed() { context.avps.add(name, .string(contact.encoded)) }
        context.branches.removeAll()
        return 1
    }

    func nextContacts(_ context: ScriptContext) -> Int {
        guard let name = contactsName(context, "t_next_contacts") else { return -2 }
        let values = context.avps.values(name).compactMap { $0.stringValue.isEmpty ? nil : StoredContact($0.stringValue) }
        guard let first = values.first else { return -1 }
        var taken = 0
        for contact in values where contact.q == first.q {
            if taken == 0 {
                context.newRequestURI = contact.uri
                context.destinationURI = contact.destination
                context.pathVector = contact.path
                context.requestBranchFlags = contact.flags
            } else {
                context.branches.append(ScriptBranch(uri: contact.uri, destinationURI: contact.destination,
                                                     path: contact.path, q: contact.q, flags: contact.flags))
            }
            taken += 1
        }
        for _ in 0 ..< taken { context.avps.remove(name, all: false) }
        return 1
    }
}
