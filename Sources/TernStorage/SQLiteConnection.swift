import CSQLite

/// One SQLite database handle (Debian's libsqlite3). WAL journal and a busy timeout, so several
/// worker connections and another process (ternctl) can share the file.
final class SQLiteConnection: DatabaseConnection, @unchecked Sendable {
    private var handle: OpaquePointer?
    let path: String
    var dialect: SQLDialect { .sqlite }
    var isOpen: Bool { handle != nil }

    init(path: String) throws(DatabaseError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(.connection, "cannot open SQLite database '\(path)': \(message)", code: String(rc))
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        // WAL lets readers and one writer proceed together; NORMAL sync is still durable across a
        // process kill (only a power loss can lose the last transactions).
        _ = try? query("PRAGMA journal_mode=WAL", [])
        _ = try? execute("PRAGMA synchronous=NORMAL", [])
    }

    deinit { close() }

    func close() {
        if let h = handle {
            sqlite3_close_v2(h)
            handle = nil
        }
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> Int {
        let db = try requireHandle()
        let stmt = try prepare(db, sql, parameters)
        defer { sqlite3_finalize(stmt) }
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            if rc == SQLITE_ROW { continue }
            throw error(db, rc, sql)
        }
        return Int(sqlite3_changes(db))
    }

    func query(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        let db = try requireHandle()
        let stmt = try prepare(db, sql, parameters)
        defer { sqlite3_finalize(stmt) }
        let count = Int(sqlite3_column_count(stmt))
        var names: [String] = []
        names.reserveCapacity(count)
        for i in 0..<count {
            names.append(sqlite3_column_name(stmt, Int32(i)).map { String(cString: $0) } ?? "")
        }
        let columns = DatabaseColumns(names)
        var rows: [DatabaseRow] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(db, rc, sql) }
            var values: [DatabaseValue] = []
            values.reserveCapacity(count)
            for i in 0..<Int32(count) {
                values.append(columnValue(stmt, i))
            }
            rows.append(DatabaseRow(columns: columns, values: values))
        }
        return rows
    }

    private func requireHandle() throws(DatabaseError) -> OpaquePointer {
        guard let handle else { throw DatabaseError(.connection, "SQLite database '\(path)' is closed") }
        return handle
    }

    private func prepare(_ db: OpaquePointer, _ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> OpaquePointer {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(db, rc, sql) }
        let expected = Int(sqlite3_bind_parameter_count(stmt))
        guard expected == parameters.count else {
            sqlite3_finalize(stmt)
            throw DatabaseError(.statement, "SQL has \(expected) placeholders but \(parameters.count) values were given: \(sql)")
        }
        for (i, value) in parameters.enumerated() {
            let index = Int32(i + 1)
            let brc: Int32
            switch value {
            case .null: brc = sqlite3_bind_null(stmt, index)
            case .int(let v): brc = sqlite3_bind_int64(stmt, index, v)
            case .double(let v): brc = sqlite3_bind_double(stmt, index, v)
            case .text(let s):
                // SQLite copies the bytes (SQLITE_TRANSIENT), so a temporary C string is enough.
                brc = s.withCString { tern_sqlite3_bind_text_copy(stmt, index, $0, Int32(s.utf8.count)) }
            case .blob(let b):
                brc = b.withUnsafeBytes { tern_sqlite3_bind_blob_copy(stmt, index, $0.baseAddress, Int32($0.count)) }
            }
            if brc != SQLITE_OK {
                sqlite3_finalize(stmt)
                throw error(db, brc, sql)
            }
        }
        return stmt
    }

    private func columnValue(_ stmt: OpaquePointer, _ i: Int32) -> DatabaseValue {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard let p = sqlite3_column_text(stmt, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    private func error(_ db: OpaquePointer, _ rc: Int32, _ sql: String) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(db))
        let primary = rc & 0xff
        // I/O and corruption errors mean the handle is no use any more; constraint/syntax errors do not.
        let kind: DatabaseError.Kind = (primary == SQLITE_IOERR || primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_CANTOPEN) ? .connection : .statement
        if kind == .connection { close() }
        return DatabaseError(kind, "SQLite: \(message) (in: \(sql))", code: String(rc))
    }
}
