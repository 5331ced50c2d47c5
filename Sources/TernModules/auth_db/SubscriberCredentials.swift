import TernStorage

/// Reads a user's secret from the subscriber table (or the table the script names) as Kamailio's
/// auth_db does: `username` = the user part of the digest username, `domain` = the realm when
/// `use_domain` is on; the `ha1` column, or `ha1b` when the username carries a domain
/// (`user@domain`); with `calculate_ha1` the password column holds the plain password instead.
struct SubscriberCredentials: Sendable {
    var userColumn = "username"
    var domainColumn = "domain"
    var passwordColumn = "ha1"
    var passwordColumn2 = "ha1b"
    var calculateHA1 = false
    var useDomain = false

    enum Lookup {
        case found(DigestSecret)
        case unknownUser
        case failed(DatabaseError)
    }

    /// The SQL and parameters for `identity` in `table` (names quoted for the pool's dialect).
    func statement(table: String, identity: DigestIdentity, dialect: SQLDialect) -> (String, [DatabaseValue]) {
        let (user, hasDomain) = Self.userPart(identity.username)
        let column = calculateHA1 ? passwordColumn : (hasDomain ? passwordColumn2 : passwordColumn)
        let q = dialect.quote
        var sql = "SELECT \(q(column)) FROM \(q(table)) WHERE \(q(userColumn)) = ?"
        var parameters: [DatabaseValue] = [.text(user)]
        if useDomain {
            sql += " AND \(q(domainColumn)) = ?"
            parameters.append(.text(identity.realm))
        }
        return (sql, parameters)
    }

    func lookup(_ identity: DigestIdentity, table: String, pool: DatabasePool) -> Lookup {
        let (sql, parameters) = statement(table: table, identity: identity, dialect: pool.dialect)
        let rows: [DatabaseRow]
        do {
            rows = try pool.query(sql, parameters)
        } catch {
            return .failed(error)
        }
        guard let row = rows.first, let value = row[0].text else { return .unknownUser }
        if calculateHA1 { return .found(.password(value)) }
        return .found(.ha1(value))
    }

    static func userPart(_ username: String) -> (String, Bool) {
        guard let at = username.firstIndex(of: "@") else { return (username, false) }
        return (String(username[..<at]), true)
    }
}
