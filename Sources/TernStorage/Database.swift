import Logging

/// The entry point: a `db_url` in, a pool out. The scheme picks the driver.
public enum Database {
    /// Opens a pool for `url` (connections are opened on first use, except that SQLite's file is
    /// checked right away so a bad path is a start-up error). `maxConnections` is usually the
    /// number of worker threads that may query at once.
    public static func open(
        url: String,
        maxConnections: Int = 8,
        baseDirectory: String? = nil,
        logger: Logger = Logger(label: "tern.storage")
    ) throws(DatabaseError) -> DatabasePool {
        let parsed = try DatabaseURL(parsing: url, baseDirectory: baseDirectory)
        return try open(parsed, maxConnections: maxConnections, logger: logger)
    }

    public static func open(
        _ url: DatabaseURL,
        maxConnections: Int = 8,
        logger: Logger = Logger(label: "tern.storage")
    ) throws(DatabaseError) -> DatabasePool {
        switch url.scheme {
        case .sqlite:
            let pool = DatabasePool(url: url, dialect: .sqlite, maxConnections: maxConnections, logger: logger) { () throws(DatabaseError) -> DatabaseConnection in
                try SQLiteConnection(path: url.database)
            }
            // Open one now: a bad path or unreadable file is a start-up error, not a first-message one.
            try pool.withConnection { (_) throws(DatabaseError) in }
            return pool
        case .postgres:
            return DatabasePool(url: url, dialect: .postgres, maxConnections: maxConnections, logger: logger) { () throws(DatabaseError) -> DatabaseConnection in
                try PostgresConnection(url: url, logger: logger)
            }
        case .mysql:
            return DatabasePool(url: url, dialect: .mysql, maxConnections: maxConnections, logger: logger) { () throws(DatabaseError) -> DatabaseConnection in
                try MySQLConnection(url: url)
            }
        }
    }
}
