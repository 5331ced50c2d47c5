/// A failed database operation, with what the driver said. `kind` lets callers tell a lost
/// connection (retry after reconnect) from a bad statement (report, do not retry).
public struct DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL is malformed or names an unknown scheme.
        case invalidURL
        /// Could not connect, or the connection was lost.
        case connection
        /// The server refused the statement (syntax, constraint, missing table…).
        case statement
        /// A driver feature this build lacks.
        case unsupported
    }

    public var kind: Kind
    public var message: String
    /// The driver's own code (SQLite result code, MySQL errno, PostgreSQL SQLSTATE as text), when any.
    public var code: String?

    public init(_ kind: Kind, _ message: String, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String {
        if let code { return "\(message) [\(code)]" }
        return message
    }
}
