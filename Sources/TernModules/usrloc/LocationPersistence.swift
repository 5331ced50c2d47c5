import TernStorage

/// Kamailio's `location` table (or another of the same shape named after the usrloc table):
/// one row per contact keyed by `ruid`; `expires` and `last_modified` as local DATETIME text.
final class LocationPersistence: @unchecked Sendable {
    let pool: DatabasePool
    let table: String
    let useDomain: Bool
    let serverID: Int
    private let quotedTable: String
    private let insertSQL: String
    private let updateSQL: String
    private let deleteSQL: String
    private let selectColumns: String

    private static let columns = [
        "ruid", "username", "domain", "contact", "received", "path", "expires", "q", "callid", "cseq",
        "last_modified", "flags", "cflags", "user_agent", "socket", "methods", "instance", "reg_id",
        "server_id", "connection_id", "keepalive", "partition",
    ]

    init(pool: DatabasePool, table: String, useDomain: Bool, serverID: Int) throws(DatabaseError) {
        self.pool = pool
        self.table = table
        self.useDomain = useDomain
        self.serverID = serverID
        let q = pool.dialect.quote
        quotedTable = q(table)
        let names = Self.columns.map(q)
        insertSQL = "INSERT INTO \(quotedTable) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        updateSQL = "UPDATE \(quotedTable) SET " + names.dropFirst().map { "\($0) = ?" }.joined(separator: ", ") + " WHERE \(q("ruid")) = ?"
        deleteSQL = "DELETE FROM \(quotedTable) WHERE \(q("ruid")) = ?"
        selectColumns = names.joined(separator: ", ")
        var schema = KamailioSchema.location
        schema.name = table
        try KamailioSchema.createMissingTables(on: pool, tables: [schema])
    }

    /// Writes `changes` of one AOR in order.
    func write(_ changes: [LocationChange], aor: String) throws(DatabaseError) {
        let stored = changes.filter { !$0.contact.isMemoryOnly }
        guard !stored.isEmpty else { return }
        try pool.withConnection { (connection) throws(DatabaseError) in
            for change in stored {
                switch change {
                case .inserted(let contact):
                    try connection.execute(insertSQL, values(contact, aor: aor))
                case .updated(let contact):
                    var parameters = values(contact, aor: aor)
                    let ruid = parameters.removeFirst()
                    let changed = try connection.execute(updateSQL, parameters + [ruid])
                    // A row lost meanwhile (deleted by hand, another node) is written again.
                    if changed == 0 { try connection.execute(insertSQL, values(contact, aor: aor)) }
                case .deleted(let contact), .expired(let contact):
                    try connection.execute(deleteSQL, [.text(contact.ruid)])
                }
            }
        }
    }

    func loadRecord(_ aor: String, newestFirst: Bool) throws(DatabaseError) -> LocationRecord {
        let (user, domain) = split(aor)
        let q = pool.dialect.quote
        var sql = "SELECT \(selectColumns) FROM \(quotedTable) WHERE \(q("username")) = ?"
        var parameters: [DatabaseValue] = [.text(user)]
        if useDomain {
            if let domain {
                sql += " AND \(q("domain")) = ?"
                parameters.append(.text(domain))
            } else {
                sql += " AND (\(q("domain")) IS NULL OR \(q("domain")) = '')"
            }
        }
        sql += " ORDER BY \(q("id"))"
        let rows = try pool.query(sql, parameters)
        return Self.record(aor: aor, rows.compactMap(contact(from:)), newestFirst: newestFirst)
    }

    func loadAll(newestFirst: Bool) throws(DatabaseError) -> [LocationRecord] {
        let rows = try pool.query("SELECT \(selectColumns) FROM \(quotedTable) ORDER BY \(pool.dialect.quote("id"))")
        var byAOR: [String: [LocationContact]] = [:]
        var order: [String] = []
        for row in rows {
            guard let contact = contact(from: row) else { continue }
            let user = row["username"].text ?? ""
            var aor = user
            if useDomain, let domain = row["domain"].text, !domain.isEmpty { aor = user + "@" + domain }
            if byAOR[aor] == nil { order.append(aor) }
            byAOR[aor, default: []].append(contact)
        }
        return order.map { Self.record(aor: $0, byAOR[$0] ?? [], newestFirst: newestFirst) }
    }

    /// db_mode 3's timer: rows past their expiry go (permanent rows keep the epoch).
    func deleteExpired(before now: Int) throws(DatabaseError) {
        let q = pool.dialect.quote
        try pool.execute(
            "DELETE FROM \(quotedTable) WHERE \(q("expires")) < ? AND \(q("expires")) > ?",
            [DatabaseTime.value(fromUnix: Int64(now)), DatabaseTime.value(fromUnix: 0)])
    }

    /// Rows come in insertion order; the record orders them as saves would have.
    private static func record(aor: String, _ contacts: [LocationContact], newestFirst: Bool) -> LocationRecord {
        var ordered: [LocationContact] = []
        for contact in contacts.sorted(by: { $0.lastModified < $1.lastModified }) {
            if newestFirst {
                ordered.insert(contact, at: 0)
            } else {
                ordered.insert(contact, at: ordered.firstIndex { $0.q < contact.q } ?? ordered.count)
            }
        }
        return LocationRecord(aor: aor, contacts: ordered)
    }

    private func split(_ aor: String) -> (user: String, domain: String?) {
        guard useDomain, let at = aor.firstIndex(of: "@") else { return (aor, nil) }
        return (String(aor[..<at]), String(aor[aor.index(after: at)...]))
    }

    private func values(_ c: LocationContact, aor: String) -> [DatabaseValue] {
        let (user, domain) = split(aor)
        func optional(_ text: String) -> DatabaseValue { text.isEmpty ? .null : .text(text) }
        return [
            .text(c.ruid), .text(user), domain.map { .text($0) } ?? .null, .text(c.uri), optional(c.received),
            optional(c.path), DatabaseTime.value(fromUnix: Int64(c.expires)),
            .double(c.q < 0 ? -1 : Double(c.q) / 1000), .text(c.callID), .int(Int64(c.cseq)),
            DatabaseTime.value(fromUnix: Int64(c.lastModified)), .int(Int64(c.flags)), .int(Int64(c.cflags)),
            .text(c.userAgent), optional(c.socket), c.methods < 0 ? .null : .int(Int64(c.methods)),
            optional(c.instance), .int(Int64(c.regID)), .int(Int64(serverID)), .int(0), .int(0), .int(0),
        ]
    }

    private func contact(from row: DatabaseRow) -> LocationContact? {
        guard let uri = row["contact"].text, !uri.isEmpty else { return nil }
        let expires = DatabaseTime.unix(from: row["expires"]).map { Int($0) } ?? 0
        let q: Int
        if let value = row["q"].double ?? row["q"].int.map(Double.init) {
            q = value < 0 ? -1 : Int((value * 1000).rounded())
        } else {
            q = -1
        }
        return LocationContact(
            uri: uri, expires: max(0, expires), q: q,
            callID: row["callid"].text ?? "", cseq: Int(row["cseq"].int ?? 0),
            path: row["path"].text ?? "", received: row["received"].text ?? "",
            userAgent: row["user_agent"].text ?? "", socket: row["socket"].text ?? "",
            flags: Int(row["flags"].int ?? 0), cflags: Int(row["cflags"].int ?? 0),
            methods: row["methods"].int.map { Int($0) } ?? -1, ruid: row["ruid"].text ?? "",
            instance: row["instance"].text ?? "", regID: Int(row["reg_id"].int ?? 0),
            lastModified: Int(DatabaseTime.unix(from: row["last_modified"]) ?? 0))
    }
}
