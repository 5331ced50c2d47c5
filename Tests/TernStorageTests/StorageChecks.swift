import Testing
import TernStorage

/// The same checks on every driver: Kamailio's schema created once, `?` parameters of every
/// type (quotes and backslashes included), DATETIME round trip, reserved column names.
enum StorageChecks {
    static func schemaAndQueries(_ pool: DatabasePool) throws {
        let created = try KamailioSchema.createMissingTables(on: pool)
        #expect(Set(created) == Set(KamailioSchema.tables.map(\.name)))
        // Second time: nothing to do, nothing duplicated.
        #expect(try KamailioSchema.createMissingTables(on: pool).isEmpty)
        #expect(try KamailioSchema.recordedVersion(of: "subscriber", on: pool) == 7)
        #expect(try KamailioSchema.recordedVersion(of: "location", on: pool) == 9)
        #expect(try KamailioSchema.recordedVersion(of: "acc", on: pool) == 5)
        #expect(try KamailioSchema.recordedVersion(of: "missed_calls", on: pool) == 4)
        #expect(try KamailioSchema.recordedVersion(of: "htable", on: pool) == 2)
        #expect(try KamailioSchema.recordedVersion(of: "version", on: pool) == 1)
        #expect(try pool.query("SELECT table_name FROM version WHERE table_name = ?", ["subscriber"]).count == 1)

        let tricky = "o'brien\\x \"q\" ?"
        let inserted = try pool.execute(
            "INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (?, ?, ?, ?, ?)",
            [.text(tricky), "example.com", "pw", "h1", "h2"])
        #expect(inserted == 1)
        let rows = try pool.query("SELECT username, domain, ha1 FROM subscriber WHERE username = ? AND domain = ?", [.text(tricky), "example.com"])
        #expect(rows.count == 1)
        #expect(rows.first?["username"] == .text(tricky))
        #expect(rows.first?["HA1"].text == "h1")
        // The unique (username, domain) constraint is there.
        #expect(throws: DatabaseError.self) {
            try pool.execute("INSERT INTO subscriber (username, domain) VALUES (?, ?)", [.text(tricky), "example.com"])
        }
        #expect(try pool.execute("UPDATE subscriber SET password = ? WHERE username = ?", ["new", .text(tricky)]) == 1)
        #expect(try pool.execute("DELETE FROM subscriber WHERE username = ?", ["nobody"]) == 0)

        // location: DATETIME, REAL, NULL columns and the reserved word `partition`.
        let expires: Int64 = 1_900_000_000
        let partition = pool.dialect.quote("partition")
        try pool.execute(
            "INSERT INTO location (ruid, username, contact, expires, q, callid, cseq, last_modified, socket, methods, \(partition)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ["ruid-1", "alice", "sip:alice@192.0.2.1:5060", DatabaseTime.value(fromUnix: expires), .double(0.5), "call-1", 7,
             DatabaseTime.value(fromUnix: 1_700_000_000), .null, .int(8191), .int(3)])
        let loc = try pool.query("SELECT * FROM location WHERE ruid = ?", ["ruid-1"])
        #expect(loc.count == 1)
        if let row = loc.first {
            #expect(DatabaseTime.unix(from: row["expires"]) == expires)
            #expect(row["q"].double == 0.5)
            #expect(row["cseq"].int == 7)
            #expect(row["socket"] == .null)
            #expect(row["domain"] == .null)
            #expect(row["methods"].int == 8191)
            #expect(row["partition"].int == 3)
            #expect(row["callid"].text == "call-1")
        }
        let expired = try pool.query("SELECT ruid FROM location WHERE expires < ?", [DatabaseTime.value(fromUnix: expires + 1)])
        #expect(expired.map { $0["ruid"].text } == ["ruid-1"])
        try pool.execute("INSERT INTO acc (method, from_tag, to_tag, callid, sip_code, sip_reason, time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         ["INVITE", "a", "b", "c", "200", "OK", DatabaseTime.value(fromUnix: 1_700_000_000)])
        #expect(try pool.query("SELECT COUNT(*) AS n FROM acc").first?["n"].int == 1)
        // A wrong statement is a statement error and leaves the connection usable.
        do {
            _ = try pool.query("SELECT nosuchcolumn FROM subscriber")
            Issue.record("a bad column must fail")
        } catch {
            #expect(error.kind == .statement)
        }
        #expect(try pool.query("SELECT COUNT(*) AS n FROM subscriber").first?["n"].int == 1)
        #expect(pool.lostConnections == 0)
        // Placeholder count is checked before anything is sent.
        #expect(throws: DatabaseError.self) { try pool.query("SELECT ? AS a", []) }
    }
}
