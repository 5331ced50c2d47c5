/// Kamailio's tables, with its names, types, defaults, constraints and `version` rows (5.6),
/// rendered for SQLite, PostgreSQL and MySQL the way Kamailio's own schema scripts write them,
/// so a database made by either works with the other.
public enum KamailioSchema {
    public static let version = TableSchema(
        name: "version", version: 1,
        columns: [
            .init("table_name", .varchar(32), nullable: false, default: nil),
            .init("table_version", .uint, default: "0"),
        ],
        uniques: [.init("table_name_idx", ["table_name"])])

    public static let subscriber = TableSchema(
        name: "subscriber", version: 7,
        columns: [
            .init("username", .varchar(64), default: "''"),
            .init("domain", .varchar(64), default: "''"),
            .init("password", .varchar(64), default: "''"),
            .init("ha1", .varchar(128), default: "''"),
            .init("ha1b", .varchar(128), default: "''"),
        ],
        uniques: [.init("account_idx", ["username", "domain"])],
        indexes: [.init("username_idx", ["username"])])

    public static let location = TableSchema(
        name: "location", version: 9,
        columns: [
            .init("ruid", .varchar(64), default: "''"),
            .init("username", .varchar(64), default: "''"),
            .init("domain", .varchar(64), nullable: true, default: "NULL"),
            .init("contact", .varchar(512), default: "''"),
            .init("received", .varchar(128), nullable: true, default: "NULL"),
            .init("path", .varchar(512), nullable: true, default: "NULL"),
            .init("expires", .datetime, default: "'2030-05-28 21:32:15'"),
            .init("q", .float, default: "1.0"),
            .init("callid", .varchar(255), default: "'Default-Call-ID'"),
            .init("cseq", .int, default: "1"),
            .init("last_modified", .datetime, default: "'2000-01-01 00:00:01'"),
            .init("flags", .int, default: "0"),
            .init("cflags", .int, default: "0"),
            .init("user_agent", .varchar(255), default: "''"),
            .init("socket", .varchar(64), nullable: true, default: "NULL"),
            .init("methods", .int, nullable: true, default: "NULL"),
            .init("instance", .varchar(255), nullable: true, default: "NULL"),
            .init("reg_id", .int, default: "0"),
            .init("server_id", .int, default: "0"),
            .init("connection_id", .int, default: "0"),
            .init("keepalive", .int, default: "0"),
            .init("partition", .int, default: "0"),
        ],
        uniques: [.init("ruid_idx", ["ruid"])],
        indexes: [
            .init("account_contact_idx", ["username", "domain", "contact"]),
            .init("expires_idx", ["expires"]),
            .init("connection_idx", ["server_id", "connection_id"]),
        ])

    public static let acc = callRecordTable("acc", version: 5)
    public static let missedCalls = callRecordTable("missed_calls", version: 4)

    public static let htable = TableSchema(
        name: "htable", version: 2,
        columns: [
            .init("key_name", .varchar(64), default: "''"),
            .init("key_type", .int, default: "0"),
            .init("value_type", .int, default: "0"),
            .init("key_value", .varchar(128), default: "''"),
            .init("expires", .int, default: "0"),
        ])

    /// Every table Tern creates when missing, `version` first.
    public static let tables: [TableSchema] = [version, subscriber, location, acc, missedCalls, htable]

    public static func table(named name: String) -> TableSchema? {
        tables.first { $0.name == name }
    }

    /// Creates each missing table of `tables` (with its indexes and its `version` row); existing
    /// tables are left as they are. Returns the names of the tables it created.
    @discardableResult
    public static func createMissingTables(on pool: DatabasePool, tables: [TableSchema] = KamailioSchema.tables) throws(DatabaseError) -> [String] {
        try pool.withConnection { (connection) throws(DatabaseError) -> [String] in
            try createMissingTables(on: connection, tables: tables)
        }
    }

    @discardableResult
    public static func createMissingTables(on connection: DatabaseConnection, tables: [TableSchema] = KamailioSchema.tables) throws(DatabaseError) -> [String] {
        var created: [String] = []
        var ordered = tables
        // `version` must exist before other tables record their versions in it.
        if !ordered.contains(where: { $0.name == "version" }) { ordered.insert(version, at: 0) }
        ordered.sort { a, _ in a.name == "version" }
        for table in ordered {
            if try tableExists(table.name, on: connection) { continue }
            do {
                for statement in table.createStatements(for: connection.dialect) {
                    try connection.execute(statement, [])
                }
            } catch where error.kind == .statement {
                // Another node sharing the database made it first: that is as good.
                if try tableExists(table.name, on: connection) { continue }
                throw error
            }
            created.append(table.name)
            do {
                let existing = try connection.query("SELECT table_version FROM version WHERE table_name = ?", [.text(table.name)])
                if existing.isEmpty {
                    try connection.execute("INSERT INTO version (table_name, table_version) VALUES (?, ?)", [.text(table.name), .int(Int64(table.version))])
                }
            } catch where error.kind == .statement {
                // The unique table_name: someone else recorded it in between.
                if try connection.query("SELECT table_version FROM version WHERE table_name = ?", [.text(table.name)]).isEmpty { throw error }
            }
        }
        return created
    }

    /// The `version` row for `table`, nil when absent.
    public static func recordedVersion(of table: String, on pool: DatabasePool) throws(DatabaseError) -> Int? {
        let rows = try pool.query("SELECT table_version FROM version WHERE table_name = ?", [.text(table)])
        return rows.first.flatMap { $0["table_version"].int }.map { Int($0) }
    }

    public static func tableExists(_ name: String, on connection: DatabaseConnection) throws(DatabaseError) -> Bool {
        let rows: [DatabaseRow]
        switch connection.dialect {
        case .sqlite:
            rows = try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])
        case .postgres:
            rows = try connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?", [.text(name)])
        case .mysql:
            rows = try connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", [.text(name)])
        }
        return !rows.isEmpty
    }

    private static func callRecordTable(_ name: String, version: Int) -> TableSchema {
        TableSchema(
            name: name, version: version,
            columns: [
                .init("method", .varchar(16), default: "''"),
                .init("from_tag", .varchar(128), default: "''"),
                .init("to_tag", .varchar(128), default: "''"),
                .init("callid", .varchar(255), default: "''"),
                .init("sip_code", .varchar(3), default: "''"),
                .init("sip_reason", .varchar(128), default: "''"),
                .init("time", .datetime, default: nil),
            ],
            indexes: [.init("callid_idx", ["callid"])])
    }
}
