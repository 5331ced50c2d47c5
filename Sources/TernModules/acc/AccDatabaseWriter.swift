import TernStorage

/// Writes records into Kamailio's `acc` / `missed_calls` tables (or any table of the same
/// shape): the core columns, `time`, then one column per db_extra. A failed insert is
/// reported to the caller, which logs it; the call goes on.
struct AccDatabaseWriter {
    let pool: DatabasePool
    let columns: AccColumns

    /// The INSERT for `table` with `extraNames` columns after the core ones.
    func insertStatement(table: String, extraNames: [String]) -> String {
        let q = pool.dialect.quote
        let names = [columns.method, columns.fromTag, columns.toTag, columns.callID, columns.sipCode, columns.sipReason,
                     columns.time] + extraNames
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ",")
        return "INSERT INTO \(q(table)) (\(names.map(q).joined(separator: ","))) VALUES (\(placeholders))"
    }

    /// The row's values in the order of `insertStatement`. Null extras are empty texts, as
    /// Kamailio writes them (acc_extra_nullable = 0).
    static func values(_ record: AccRecord) -> [DatabaseValue] {
        var out: [DatabaseValue] = [.text(record.method), .text(record.fromTag), .text(record.toTag), .text(record.callID),
                                    .text(record.code), .text(record.reason), DatabaseTime.value(fromUnix: record.timestamp)]
        for extra in record.extras { out.append(.text(extra.value ?? "")) }
        return out
    }

    func insert(_ record: AccRecord, into table: String) throws(DatabaseError) {
        _ = try pool.execute(insertStatement(table: table, extraNames: record.extras.map(\.name)), Self.values(record))
    }
}
