import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One PostgreSQL connection (postgres-nio), used blocking: each call waits on its future, so it
/// must run on a worker thread, never on an event loop. Parameters go as untyped text, so the
/// server infers their types from the statement as it does for Kamailio's literal SQL (a
/// "YYYY-MM-DD HH:MM:SS" string lands in a TIMESTAMP column, a number in an INTEGER one).
final class PostgresConnection: DatabaseConnection, @unchecked Sendable {
    private let connection: PostgresNIO.PostgresConnection
    private let logger: Logger
    private let url: DatabaseURL
    private var closedByUs = false
    var dialect: SQLDialect { .postgres }
    var isOpen: Bool { !closedByUs && !connection.isClosed }

    private static let nextID = ConnectionCounter()
    /// Storage's own event loop: a caller blocking on some other NIO loop (an RPC transport, say)
    /// can never stall the loop its query runs on.
    private static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(url: DatabaseURL, logger: Logger) throws(DatabaseError) {
        self.url = url
        self.logger = logger
        var configuration = PostgresNIO.PostgresConnection.Configuration(
            host: url.host, port: url.port ?? 5432, username: url.user,
            password: url.password.isEmpty ? nil : url.password,
            database: url.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        do {
            connection = try BlockingWait.result(of: PostgresNIO.PostgresConnection.connect(
                on: Self.eventLoops.next(),
                configuration: configuration, id: Self.nextID.next(), logger: logger
            ))
        } catch {
            throw DatabaseError(.connection, "cannot connect to \(url): \(Self.describe(error))", code: Self.sqlState(error))
        }
    }

    deinit { close() }

    func close() {
        guard !closedByUs else { return }
        closedByUs = true
        // postgres-nio insists a connection be closed before it is released: keep it alive
        // until the close completes (never wait here: this may run on any thread).
        let connection = self.connection
        connection.close().whenComplete { _ in _ = connection }
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> Int {
        try run(sql, parameters).metadata.rows ?? 0
    }

    func query(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        let result = try run(sql, parameters)
        guard let first = result.rows.first else { return [] }
        let columns = DatabaseColumns(first.map(\.columnName))
        return result.rows.map { row in
            DatabaseRow(columns: columns, values: row.map(Self.value(of:)))
        }
    }

    private func run(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> PostgresQueryResult {
        guard isOpen else { throw DatabaseError(.connection, "connection to \(url) is closed") }
        let (translated, placeholders) = SQLPlaceholders.numbered(sql)
        guard placeholders == parameters.count else {
            throw DatabaseError(.statement, "SQL has \(placeholders) placeholders but \(parameters.count) values were given: \(sql)")
        }
        var binds = PostgresBindings(capacity: parameters.count)
        for p in parameters {
            switch p {
            case .null: binds.appendNull()
            case .blob(let bytes): binds.append(UntypedText(Self.byteaHex(bytes)))
            default:
                guard let text = p.text, !text.utf8.contains(0) else {
                    throw DatabaseError(.statement, "PostgreSQL text values cannot contain NUL bytes")
                }
                binds.append(UntypedText(text))
            }
        }
        do {
            return try BlockingWait.result(of: connection.query(PostgresQuery(unsafeSQL: translated, binds: binds), logger: logger))
        } catch {
            // The server may say why it drops us (SQLSTATE class 08 connection exception, 57P
            // shutdown/termination) before the socket closes: that connection is lost too.
            let state = Self.sqlState(error)
            let lost = connection.isClosed || state.map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? false
            if lost { close() }
            throw DatabaseError(lost ? .connection : .statement, "PostgreSQL: \(Self.describe(error)) (in: \(sql))", code: state)
        }
    }

    private static func value(of cell: PostgresCell) -> DatabaseValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .text {
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        }
        switch cell.dataType {
        case .bool: return .int(bytes.readInteger(as: UInt8.self).map { Int64($0) } ?? 0)
        case .int2: return bytes.readInteger(as: Int16.self).map { .int(Int64($0)) } ?? .null
        case .int4: return bytes.readInteger(as: Int32.self).map { .int(Int64($0)) } ?? .null
        case .int8: return bytes.readInteger(as: Int64.self).map { .int($0) } ?? .null
        case .oid: return bytes.readInteger(as: UInt32.self).map { .int(Int64($0)) } ?? .null
        case .float4: return bytes.readInteger(as: UInt32.self).map { .double(Double(Float(bitPattern: $0))) } ?? .null
        case .float8: return bytes.readInteger(as: UInt64.self).map { .double(Double(bitPattern: $0)) } ?? .null
        case .bytea: return .blob(bytes.readBytes(length: bytes.readableBytes) ?? [])
        case .timestamp, .timestamptz:
            // Microseconds since 2000-01-01 00:00:00; a TIMESTAMP WITHOUT TIME ZONE is a wall-clock
            // reading, so it is printed back as it was stored.
            guard let micros = bytes.readInteger(as: Int64.self) else { return .null }
            let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
            return .text(DatabaseTime.utcText(fromUnix: seconds + 946_684_800))
        case .text, .varchar, .bpchar, .name, .json:
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        default:
            if let s = try? cell.decode(String.self) { return .text(s) }
            return .blob(bytes.readBytes(length: bytes.readableBytes) ?? [])
        }
    }

    private static func byteaHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func sqlState(_ error: Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// PSQLError's description hides details on purpose; the server's message and the error code
    /// are what an operator needs.
    static func describe(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message }
            switch e.code {
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return "the connection was closed (\(e.code))"
            default:
                var text = "\(e.code)"
                if let underlying = e.underlying, !(underlying is PSQLError) { text += ": \(underlying)" }
                return text
            }
        }
        return "\(error)"
    }
}

/// A parameter sent as text with no type (OID 0): the server infers it from the statement.
private struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    init(_ text: String) { self.text = text }
    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

private final class ConnectionCounter: @unchecked Sendable {
    private let lock = PoolLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// Waits for a future on the calling thread. Unlike `EventLoopFuture.wait()`, it is allowed on
/// another group's event loop thread (the storage loop is never the caller's).
enum BlockingWait {
    static func result<T>(of future: EventLoopFuture<T>) throws -> T {
        let box = ResultBox<T>()
        future.whenComplete { box.set($0) }
        return try box.wait().get()
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    private let lock = PoolLock()
    private var value: Result<T, Error>?

    func set(_ result: Result<T, Error>) {
        lock.withLock {
            value = result
            lock.broadcast()
        }
    }

    func wait() -> Result<T, Error> {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let value { return value }
            lock.wait()
        }
    }
}
