import CMariaDB

/// One MySQL/MariaDB connection through Debian's MariaDB C client. Like Kamailio's db_mysql, the
/// statement is sent as text with each value escaped by the client library for the connection's
/// character set (utf8mb4), so `?` placeholders work without server-side prepared statements.
final class MySQLConnection: DatabaseConnection, @unchecked Sendable {
    private var handle: UnsafeMutablePointer<MYSQL>?
    private let url: DatabaseURL
    var dialect: SQLDialect { .mysql }
    var isOpen: Bool { handle != nil }

    /// mysql_library_init is not thread-safe; run it once before any connection.
    private static let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

    init(url: DatabaseURL) throws(DatabaseError) {
        self.url = url
        guard Self.libraryReady, let h = mysql_init(nil) else {
            throw DatabaseError(.connection, "cannot initialise the MySQL client library")
        }
        var timeout: UInt32 = 5
        mysql_options(h, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        mysql_options(h, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        // "localhost" means the Unix socket to the client library; an explicit port asks for TCP.
        let host = url.host
        if url.port != nil, host == "localhost" {
            var proto = UInt32(MYSQL_PROTOCOL_TCP.rawValue)
            mysql_options(h, MYSQL_OPT_PROTOCOL, &proto)
        }
        let ok = mysql_real_connect(h, host, url.user, url.password.isEmpty ? nil : url.password,
                                    url.database, UInt32(url.port ?? 3306), nil, 0)
        guard ok != nil else {
            let error = DatabaseError(.connection, "cannot connect to \(url): \(String(cString: mysql_error(h)))", code: String(mysql_errno(h)))
            mysql_close(h)
            throw error
        }
        handle = h
    }

    deinit { close() }

    func close() {
        if let h = handle {
            mysql_close(h)
            handle = nil
        }
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> Int {
        let h = try run(sql, parameters)
        if let result = mysql_store_result(h) { mysql_free_result(result) }
        let changed = mysql_affected_rows(h)
        return changed == UInt64.max ? 0 : Int(changed)
    }

    func query(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        let h = try run(sql, parameters)
        guard let result = mysql_store_result(h) else {
            if mysql_field_count(h) == 0 { return [] }
            throw failure(h, sql)
        }
        defer { mysql_free_result(result) }
        let count = Int(mysql_num_fields(result))
        guard let fields = mysql_fetch_fields(result) else { return [] }
        var names: [String] = []
        var kinds: [ColumnKind] = []
        for i in 0..<count {
            names.append(String(cString: fields[i].name))
            kinds.append(ColumnKind(fields[i]))
        }
        let columns = DatabaseColumns(names)
        var rows: [DatabaseRow] = []
        while let row = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result) else { break }
            var values: [DatabaseValue] = []
            values.reserveCapacity(count)
            for i in 0..<count {
                guard let cell = row[i] else { values.append(.null); continue }
                let n = Int(lengths[i])
                let bytes = UnsafeRawBufferPointer(start: cell, count: n)
                values.append(kinds[i].value(bytes))
            }
            rows.append(DatabaseRow(columns: columns, values: values))
        }
        return rows
    }

    private func run(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> UnsafeMutablePointer<MYSQL> {
        guard let h = handle else { throw DatabaseError(.connection, "connection to \(url) is closed") }
        let pieces = SQLPlaceholders.split(sql)
        guard pieces.count - 1 == parameters.count else {
            throw DatabaseError(.statement, "SQL has \(pieces.count - 1) placeholders but \(parameters.count) values were given: \(sql)")
        }
        var text: [UInt8] = Array(pieces[0].utf8)
        for (i, value) in parameters.enumerated() {
            appendLiteral(value, to: &text, h)
            text.append(contentsOf: pieces[i + 1].utf8)
        }
        let rc = text.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { mysql_real_query(h, $0.baseAddress, UInt(buf.count)) }
        }
        guard rc == 0 else { throw failure(h, sql) }
        return h
    }

    private func appendLiteral(_ value: DatabaseValue, to text: inout [UInt8], _ h: UnsafeMutablePointer<MYSQL>) {
        switch value {
        case .null: text.append(contentsOf: "NULL".utf8)
        case .int(let v): text.append(contentsOf: String(v).utf8)
        case .double(let v): text.append(contentsOf: (v.isFinite ? String(v) : "NULL").utf8)
        case .text(let s): appendQuoted(Array(s.utf8), to: &text, h)
        case .blob(let b):
            // X'..' keeps binary data out of the character-set conversion.
            let digits = Array("0123456789ABCDEF".utf8)
            text.append(contentsOf: "X'".utf8)
            for byte in b {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0xf)])
            }
            text.append(UInt8(ascii: "'"))
        }
    }

    private func appendQuoted(_ raw: [UInt8], to text: inout [UInt8], _ h: UnsafeMutablePointer<MYSQL>) {
        var escaped = [CChar](repeating: 0, count: raw.count * 2 + 1)
        let n = raw.withUnsafeBufferPointer { src in
            src.withMemoryRebound(to: CChar.self) { s in
                mysql_real_escape_string(h, &escaped, s.baseAddress, UInt(raw.count))
            }
        }
        text.append(UInt8(ascii: "'"))
        if n != UInt.max {
            for i in 0..<Int(n) { text.append(UInt8(bitPattern: escaped[i])) }
        }
        text.append(UInt8(ascii: "'"))
    }

    private func failure(_ h: UnsafeMutablePointer<MYSQL>, _ sql: String) -> DatabaseError {
        let errno = mysql_errno(h)
        let message = String(cString: mysql_error(h))
        // 2006 server gone, 2013 lost during query, 2002/2003 cannot reach, 2055 lost at handshake.
        let lost: Set<UInt32> = [2002, 2003, 2006, 2013, 2055]
        if lost.contains(errno) {
            close()
            return DatabaseError(.connection, "MySQL \(url): \(message)", code: String(errno))
        }
        return DatabaseError(.statement, "MySQL: \(message) (in: \(sql))", code: String(errno))
    }
}

/// How a result column's text is turned into a value.
private enum ColumnKind {
    case integer, real, text, binary

    init(_ field: MYSQL_FIELD) {
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_INT24, MYSQL_TYPE_YEAR:
            self = .integer
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE, MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL:
            self = .real
        case MYSQL_TYPE_BLOB, MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_STRING, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_VARCHAR:
            var f = field
            self = tern_mysql_field_is_binary(&f) != 0 ? .binary : .text
        default:
            self = .text
        }
    }

    func value(_ bytes: UnsafeRawBufferPointer) -> DatabaseValue {
        switch self {
        case .binary: return .blob(Array(bytes))
        case .text: return .text(String(decoding: bytes, as: UTF8.self))
        case .integer:
            let s = String(decoding: bytes, as: UTF8.self)
            if let v = Int64(s) { return .int(v) }
            return .text(s)   // UNSIGNED BIGINT beyond Int64
        case .real:
            let s = String(decoding: bytes, as: UTF8.self)
            return Double(s).map { .double($0) } ?? .text(s)
        }
    }
}
