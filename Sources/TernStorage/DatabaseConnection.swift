/// One open connection. Calls block the calling thread; a connection is used by one thread at a
/// time (the pool hands it out). SQL uses `?` placeholders; drivers translate as they need.
public protocol DatabaseConnection: AnyObject, Sendable {
    /// Runs a statement; returns the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> Int
    /// Runs a query; returns all rows.
    func query(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow]
    /// Which SQL dialect this connection speaks (for schema and upsert differences).
    var dialect: SQLDialect { get }
    /// Whether the connection is still usable; false after a connection-level error.
    var isOpen: Bool { get }
    func close()
}

extension DatabaseConnection {
    @discardableResult
    public func execute(_ sql: String) throws(DatabaseError) -> Int { try execute(sql, []) }
    public func query(_ sql: String) throws(DatabaseError) -> [DatabaseRow] { try query(sql, []) }
}

public enum SQLDialect: Sendable, Equatable {
    case sqlite, postgres, mysql
}
