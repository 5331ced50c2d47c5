import TernRuntime

/// usrloc's management commands: Kamailio 5's `ul.*` RPCs and SER's FIFO `ul_show_contact`,
/// `ul_add`, `ul_rm` (their text answers as SER printed them).
struct UsrlocCommands {
    let module: UsrlocModule

    var all: [RPCCommand] {
        [dump, lookup, add, remove, removeContact, flush, showContactFIFO, addFIFO, removeFIFO]
    }

    private var location: UserLocation? { module.location }

    private func table(_ request: RPCRequest, _ index: Int) throws(RPCError) -> LocationTable {
        guard let location else { throw RPCError.failed("usrloc is not configured") }
        let name = try request.string(index, missing: "Table name expected")
        guard let table = location.existingTable(named: name) else { throw RPCError(code: 500, message: "Table not found") }
        return table
    }

    // MARK: ul.*

    private var dump: RPCCommand {
        RPCCommand(name: "ul.dump", help: "Dump user location tables") { [module] request throws(RPCError) -> RPCValue in
            guard let location = module.location else { throw RPCError.failed("usrloc is not configured") }
            let brief = request.optionalString(0) == "brief"
            let now = location.now
            var domains: [RPCValue] = []
            for table in location.allTables {
                let entries: [(bucket: Int, record: LocationRecord)]
                do throws(LocationStoreError) {
                    entries = try table.snapshot()
                } catch {
                    throw RPCError.failed(error.message)
                }
                var aors: [RPCValue] = []
                var maxSlot = 0
                var slotCounts: [Int: Int] = [:]
                for entry in entries {
                    slotCounts[entry.bucket, default: 0] += 1
                    maxSlot = max(maxSlot, slotCounts[entry.bucket] ?? 0)
                    var info = RPCObject([("AoR", .string(entry.record.aor))])
                    if !brief { info.set("HashID", .int(Int(LocationTable.hash(entry.record.aor)))) }
                    let contacts = entry.record.contacts.map { contact -> RPCValue in
                        if brief {
                            return .object(RPCObject([("Contact", .object(RPCObject([
                                ("Address", .string(contact.uri)), ("Expires", Self.expiresValue(contact, now)),
                            ])))]))
                        }
                        return .object(RPCObject([("Contact", .object(Self.contactObject(contact, now: now)))]))
                    }
                    info.set("Contacts", .array(contacts))
                    aors.append(.object(RPCObject([("Info", .object(info))])))
                }
                let domain = RPCObject([
                    ("Domain", .string(table.name)), ("Size", .int(table.bucketCount)), ("AoRs", .array(aors)),
                    ("Stats", .object(RPCObject([("Records", .int(entries.count)), ("Max-Slots", .int(maxSlot))]))),
                ])
                domains.append(.object(RPCObject([("Domain", .object(domain))])))
            }
            return .object(RPCObject([("Domains", .array(domains))]))
        }
    }

    private var lookup: RPCCommand {
        RPCCommand(name: "ul.lookup", help: "Lookup one AOR in a usrloc table") { [self] request throws(RPCError) -> RPCValue in
            let table = try table(request, 0)
            let aor = try request.string(1, missing: "AOR expected")
            let now = location?.now ?? 0
            let contacts: [LocationContact]
            do throws(LocationStoreError) {
                contacts = try table.read(aor) { $0?.contacts ?? [] }
            } catch {
                throw RPCError.failed(error.message)
            }
            guard !contacts.isEmpty else { throw RPCError(code: 500, message: "AOR not found in location table") }
            return .object(RPCObject([
                ("AoR", .string(aor)),
                ("Contacts", .array(contacts.map { .object(RPCObject([("Contact", .object(Self.contactObject($0, now: now)))])) })),
            ]))
        }
    }

    private var add: RPCCommand {
        RPCCommand(name: "ul.add", help: "Add a new contact for an AOR") { [self] request throws(RPCError) -> RPCValue in
            let table = try table(request, 0)
            guard request.count >= 9 else { throw RPCError.badParameters("Not enough parameters or wrong format") }
            let aor = try request.string(1, missing: "Not enough parameters or wrong format")
            let uri = try request.string(2, missing: "Not enough parameters or wrong format")
            let expires = try request.int(3, invalid: "Not enough parameters or wrong format")
            guard let qText = request.optionalString(4), let q = Self.parseQ(qText) else {
                throw RPCError.badParameters("Not enough parameters or wrong format")
            }
            var path = request.optionalString(5) ?? ""
            if path == "." || path == "0" { path = "" }
            let flags = try request.int(6, invalid: "Not enough parameters or wrong format")
            let cflags = try request.int(7, invalid: "Not enough parameters or wrong format")
            var methods = try request.int(8, invalid: "Not enough parameters or wrong format")
            // kamctl sends every method as 0xFFFFFFFF; stored as "all", like a REGISTER without Allow.
            if methods == 4_294_967_295 { methods = -1 }
            var received = request.optionalString(9) ?? ""
            if received == "." || received == "0" { received = "" }
            var socket = request.optionalString(10) ?? ""
            if socket == "." || socket == "0" { socket = "" }
            try Self.addContact(
                table, location: location, aor: aor, uri: uri, expires: expires, q: q, path: path, flags: flags,
                cflags: cflags, methods: methods, received: received, socket: socket)
            return .null
        }
    }

    private var remove: RPCCommand {
        RPCCommand(name: "ul.rm", help: "Delete an AOR from a usrloc table") { [self] request throws(RPCError) -> RPCValue in
            let table = try table(request, 0)
            let aor = try request.string(1, missing: "AOR expected")
            guard try Self.removeRecord(table, aor) else { throw RPCError(code: 404, message: "AOR not found") }
            return .null
        }
    }

    private var removeContact: RPCCommand {
        RPCCommand(name: "ul.rm_contact", help: "Delete a contact from an AOR record") { [self] request throws(RPCError) -> RPCValue in
            let table = try table(request, 0)
            let aor = try request.string(1, missing: "AOR expected")
            let uri = try request.string(2, missing: "Contact expected")
            let removed: Bool
            do throws(LocationStoreError) {
                removed = try table.modify(aor) { record -> Bool in
                    guard let index = record.contacts.firstIndex(where: { $0.uri == uri }) else { return false }
                    record.remove(at: index)
                    return true
                }
            } catch {
                throw RPCError.failed(error.message)
            }
            guard removed else { throw RPCError(code: 404, message: "Contact not found") }
            return .null
        }
    }

    private var flush: RPCCommand {
        RPCCommand(name: "ul.flush", help: "Flush the usrloc memory cache to the database") { [module] _ throws(RPCError) -> RPCValue in
            guard let location = module.location else { throw RPCError.failed("usrloc is not configured") }
            location.timerTick()
            do throws(LocationStoreError) {
                try location.flushAll()
            } catch {
                throw RPCError.failed(error.message)
            }
            return .null
        }
    }

    // MARK: SER FIFO

    private func fifoTable(_ request: RPCRequest, command: String) throws(RPCError) -> LocationTable {
        guard let location else { throw RPCError.failed("usrloc is not configured") }
        let name = try request.string(0, missing: "\(command): table name expected")
        guard let table = location.existingTable(named: name) else {
            throw RPCError(code: 400, message: "Table '\(name)' not found in memory, use save(\"\(name)\") or lookup(\"\(name)\") in the configuration script first")
        }
        return table
    }

    private var showContactFIFO: RPCCommand {
        RPCCommand(name: "ul_show_contact", help: "Show the registered contacts of a user") { [self] request, responder in
            do throws(RPCError) {
                let table = try fifoTable(request, command: "ul_show_contact")
                let user = try request.string(1, missing: "ul_show_contact: user name expected")
                let now = location?.now ?? 0
                let contacts: [LocationContact]?
                do throws(LocationStoreError) {
                    contacts = try table.read(user) { $0?.contacts }
                } catch {
                    throw RPCError.failed(error.message)
                }
                guard let contacts else { throw RPCError(code: 404, message: "Username \(user) in table \(table.name) not found") }
                let valid = contacts.filter { $0.isValid(at: now) }
                guard !valid.isEmpty else { throw RPCError(code: 404, message: "No registered contacts found") }
                let lines = valid.map { "<\($0.uri)>;q=\(QValueText.fixed($0.q));expires=\($0.remaining(at: now))\n" }
                responder.reply(.string(lines.joined()), status: "200 OK")
            } catch {
                responder.fail(error)
            }
        }
    }

    private var addFIFO: RPCCommand {
        RPCCommand(name: "ul_add", help: "Add a contact to a user's bindings") { [self] request, responder in
            do throws(RPCError) {
                let table = try fifoTable(request, command: "ul_add")
                let user = try request.string(1, missing: "ul_add: UID expected")
                let uri = try request.string(2, missing: "ul_add: contact expected")
                let expiresText = try request.string(3, missing: "ul_add: expires expected")
                let qText = try request.string(4, missing: "ul_add: q expected")
                guard let expires = Int(expiresText.trimmedBlanks), expires >= 0 else {
                    throw RPCError.badParameters("Invalid expires format")
                }
                guard let q = Self.parseQ(qText) else { throw RPCError.badParameters("Invalid q value") }
                var flags = 0
                if let flagsText = request.optionalString(6), !flagsText.isEmpty {
                    guard let value = Int(flagsText.trimmedBlanks) else { throw RPCError.badParameters("Invalid flags format") }
                    flags = value
                }
                do throws(RPCError) {
                    try Self.addContact(table, location: location, aor: user, uri: uri, expires: expires, q: q, path: "",
                                        flags: flags, cflags: 0, methods: -1, received: "", socket: "")
                } catch {
                    throw RPCError(code: 500, message: "Error while adding contact\n('\(user)','\(uri)') in table '\(table.name)'")
                }
                responder.reply(.string("('\(user)','\(uri)') to '\(table.name)'\n"), status: "200 Added to table")
            } catch {
                responder.fail(error)
            }
        }
    }

    private var removeFIFO: RPCCommand {
        RPCCommand(name: "ul_rm", help: "Delete all bindings of a user") { [self] request, responder in
            do throws(RPCError) {
                let table = try fifoTable(request, command: "ul_rm")
                let user = try request.string(1, missing: "ul_rm: user name expected")
                guard try Self.removeRecord(table, user) else {
                    throw RPCError(code: 404, message: "Username \(user) in table \(table.name) not found")
                }
                responder.reply(.string(""), status: "200 user (\(table.name), \(user)) deleted")
            } catch {
                responder.fail(error)
            }
        }
    }

    // MARK: shared

    private static func removeRecord(_ table: LocationTable, _ aor: String) throws(RPCError) -> Bool {
        do throws(LocationStoreError) {
            return try table.modify(aor) { record -> Bool in
                guard !record.isEmpty else { return false }
                record.removeAll()
                return true
            }
        } catch {
            throw RPCError.failed(error.message)
        }
    }

    /// Adds or replaces the binding of `uri` under `aor`; expires 0 makes it permanent.
    private static func addContact(
        _ table: LocationTable, location: UserLocation?, aor: String, uri: String, expires: Int, q: Int, path: String,
        flags: Int, cflags: Int, methods: Int, received: String, socket: String
    ) throws(RPCError) {
        guard let location else { throw RPCError.failed("usrloc is not configured") }
        let now = location.now
        var contact = LocationContact(
            uri: uri, expires: expires > 0 ? now + expires : 0, q: q, callID: "dfjrewr12386fd6-343@Kamailio.mi",
            cseq: 1, path: path, received: received, userAgent: "SIP Router MI Server", socket: socket,
            flags: flags, cflags: cflags, methods: methods, ruid: location.nextRUID(), lastModified: now)
        do throws(LocationStoreError) {
            try table.modify(aor) { record in
                if let index = record.contacts.firstIndex(where: { $0.uri == uri }) {
                    contact.ruid = record.contacts[index].ruid
                    record.update(at: index, to: contact, newestFirst: location.settings.newestFirst)
                } else {
                    record.insert(contact, newestFirst: location.settings.newestFirst)
                }
            }
        } catch {
            throw RPCError.failed(error.message)
        }
    }

    /// "0.5", "1.00", "1" as thousandths; "-1" leaves q unset.
    private static func parseQ(_ text: String) -> Int? {
        let trimmed = text.trimmedBlanks
        if trimmed == "-1" || trimmed == "-1.0" || trimmed == "-1.00" { return -1 }
        return QValueText.parse(trimmed)
    }

    private static func expiresValue(_ contact: LocationContact, _ now: Int) -> RPCValue {
        if contact.expires == 0 { return .string("permanent") }
        if contact.expires <= now { return .string("expired") }
        return .int(contact.expires - now)
    }

    static func contactObject(_ c: LocationContact, now: Int) -> RPCObject {
        func orNotSet(_ text: String) -> RPCValue { .string(text.isEmpty ? "[not set]" : text) }
        return RPCObject([
            ("Address", .string(c.uri)),
            ("Expires", expiresValue(c, now)),
            ("Q", .double(c.q < 0 ? -1 : Double(c.q) / 1000)),
            ("Call-ID", .string(c.callID)),
            ("CSeq", .int(c.cseq)),
            ("User-Agent", .string(c.userAgent.isEmpty ? "n/a" : c.userAgent)),
            ("Received", orNotSet(c.received)),
            ("Path", orNotSet(c.path)),
            ("State", .string("CS_SYNC")),
            ("Flags", .int(c.flags)),
            ("CFlags", .int(c.cflags)),
            ("Socket", orNotSet(c.socket)),
            ("Methods", .int(c.methods < 0 ? 4_294_967_295 : c.methods)),
            ("Ruid", orNotSet(c.ruid)),
            ("Instance", orNotSet(c.instance)),
            ("Reg-Id", .int(c.regID)),
            ("Server-Id", .int(0)),
            ("Tcpconn-Id", .int(-1)),
            ("Keepalive", .int(0)),
            ("Last-Keepalive", .int(c.lastModified)),
            ("KA-Roundtrip", .int(0)),
            ("Last-Modified", .int(c.lastModified)),
        ])
    }
}

private extension String {
    var trimmedBlanks: String { Substring(self).trimmingCharacters(in: " \t\r\n") }
}
