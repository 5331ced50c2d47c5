import Logging

/// Connections to one database, opened on demand up to `maxConnections` (sized by the worker
/// count, so a worker never waits for another's query). `withConnection` blocks the calling
/// thread; it is meant for worker threads, never NIO event loops.
///
/// A lost connection is closed and its error logged and thrown to the caller; the next call
/// opens a fresh connection (the server may be back). Nothing is retried silently: a statement
/// that may or may not have run is the caller's to judge.
public final class DatabasePool: @unchecked Sendable {
    public let url: DatabaseURL
    public let maxConnections: Int
    public let dialect: SQLDialect
    private let connect: @Sendable () throws(DatabaseError) -> DatabaseConnection
    private let logger: Logger
    private let lock = PoolLock()
    private var idle: [DatabaseConnection] = []
    private var open = 0
    private var closed = false
    private var reconnects = 0

    public init(
        url: DatabaseURL,
        dialect: SQLDialect,
        maxConnections: Int,
        logger: Logger = Logger(label: "tern.storage"),
        connect: @escaping @Sendable () throws(DatabaseError) -> DatabaseConnection
    ) {
        self.url = url
        self.dialect = dialect
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
        self.connect = connect
    }

    deinit { close() }

    /// Runs `body` with a connection of its own for the duration.
    public func withConnection<T>(_ body: (DatabaseConnection) throws(DatabaseError) -> T) throws(DatabaseError) -> T {
        let connection = try checkOut()
        do {
            let result = try body(connection)
            checkIn(connection)
            return result
        } catch {
            if error.kind == .connection || !connection.isOpen {
                logger.error("database \(url): connection lost: \(error.message); it will be reopened on next use")
                discard(connection)
            } else {
                checkIn(connection)
            }
            throw error
        }
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [DatabaseValue] = []) throws(DatabaseError) -> Int {
        try withConnection { (c) throws(DatabaseError) -> Int in try c.execute(sql, parameters) }
    }

    public func query(_ sql: String, _ parameters: [DatabaseValue] = []) throws(DatabaseError) -> [DatabaseRow] {
        try withConnection { (c) throws(DatabaseError) -> [DatabaseRow] in try c.query(sql, parameters) }
    }

    /// How many connections were found lost (in use or idle) and dropped (for statistics and tests).
    public var lostConnections: Int { lock.withLock { reconnects } }

    /// Closes idle connections and refuses further use; connections in use close when returned.
    public func close() {
        let toClose: [DatabaseConnection] = lock.withLock {
            closed = true
            let list = idle
            idle.removeAll()
            open -= list.count
            lock.broadcast()
            return list
        }
        for c in toClose { c.close() }
    }

    private func checkOut() throws(DatabaseError) -> DatabaseConnection {
        lock.lock()
        while true {
            if closed {
                lock.unlock()
                throw DatabaseError(.connection, "database \(url): pool is closed")
            }
            if let c = idle.popLast() {
                if c.isOpen {
                    lock.unlock()
                    return c
                }
                // Lost while idle (the server went away or dropped us): no statement failed, so
                // a fresh connection serves this call; the loss is still logged and counted.
                open -= 1
                reconnects += 1
                lock.unlock()
                logger.warning("database \(url): an idle connection was lost; opening a new one")
                c.close()
                lock.lock()
                continue
            }
            if open < maxConnections {
                open += 1
                lock.unlock()
                do {
                    return try connect()
                } catch {
                    lock.withLock {
                        open -= 1
                        lock.signal()
                    }
                    logger.error("database \(url): cannot connect: \(error.message)")
                    throw error
                }
            }
            lock.wait()
        }
    }

    private func checkIn(_ connection: DatabaseConnection) {
        let closeIt: Bool = lock.withLock {
            if closed || !connection.isOpen {
                open -= 1
                lock.signal()
                return true
            }
            idle.append(connection)
            lock.signal()
            return false
        }
        if closeIt { connection.close() }
    }

    private func discard(_ connection: DatabaseConnection) {
        lock.withLock {
            open -= 1
            reconnects += 1
            lock.signal()
        }
        connection.close()
    }
}
