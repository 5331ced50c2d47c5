/// A parsed `db_url`, as Kamailio writes them:
/// `sqlite:///abs/path.db`, `sqlite://relative.db`, `postgres://user:pass@host[:port]/db`,
/// `mysql://user:pass@host[:port]/db`. The scheme alone picks the driver.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Equatable {
        case sqlite, postgres, mysql
    }

    public var scheme: Scheme
    public var user: String
    public var password: String
    public var host: String
    public var port: Int?
    /// Database name (PostgreSQL/MySQL) or file path (SQLite).
    public var database: String

    public init(scheme: Scheme, user: String = "", password: String = "", host: String = "", port: Int? = nil, database: String) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// Parses `text`; a relative SQLite path is resolved against `baseDirectory` when given.
    public init(parsing text: String, baseDirectory: String? = nil) throws(DatabaseError) {
        guard let sep = Self.schemeSeparator(in: text) else {
            throw DatabaseError(.invalidURL, "database URL '\(text)' has no scheme (expected sqlite://, postgres:// or mysql://)")
        }
        let schemeText = text[..<sep.lowerBound].lowercased()
        let rest = String(text[sep.upperBound...])
        switch schemeText {
        case "sqlite", "sqlite3":
            guard !rest.isEmpty else { throw DatabaseError(.invalidURL, "database URL '\(text)' names no SQLite file") }
            var path = Self.percentDecoded(rest)
            if !path.hasPrefix("/"), let base = baseDirectory, !base.isEmpty {
                path = base.hasSuffix("/") ? base + path : base + "/" + path
            }
            self.init(scheme: .sqlite, database: path)
        case "postgres", "postgresql", "pgsql":
            try self.init(server: .postgres, rest: rest, text: text)
        case "mysql", "mariadb":
            try self.init(server: .mysql, rest: rest, text: text)
        default:
            throw DatabaseError(.invalidURL, "database URL '\(text)': unknown scheme '\(schemeText)' (expected sqlite, postgres or mysql)")
        }
    }

    private init(server scheme: Scheme, rest: String, text: String) throws(DatabaseError) {
        // The last '@' separates credentials: passwords may contain '@' unencoded in Kamailio configs.
        var authority = Substring(rest)
        var path = Substring("")
        var user = "", password = ""
        if let at = authority.lastIndex(of: "@") {
            let creds = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = creds.firstIndex(of: ":") {
                user = Self.percentDecoded(String(creds[..<colon]))
                password = Self.percentDecoded(String(creds[creds.index(after: colon)...]))
            } else {
                user = Self.percentDecoded(String(creds))
            }
        }
        if let slash = authority.firstIndex(of: "/") {
            path = authority[authority.index(after: slash)...]
            authority = authority[..<slash]
        }
        if let q = path.firstIndex(of: "?") { path = path[..<q] }
        var host = String(authority)
        var port: Int?
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {   // [::1]:5432
            let after = host[host.index(after: close)...]
            let inner = String(host[host.index(after: host.startIndex)..<close])
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw DatabaseError(.invalidURL, "database URL '\(Self.redacted(text))': bad port")
                }
                port = p
            }
            host = inner
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else {
                throw DatabaseError(.invalidURL, "database URL '\(Self.redacted(text))': bad port")
            }
            port = p
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw DatabaseError(.invalidURL, "database URL '\(Self.redacted(text))' names no host") }
        guard !path.isEmpty else { throw DatabaseError(.invalidURL, "database URL '\(Self.redacted(text))' names no database") }
        self.init(scheme: scheme, user: user, password: password, host: host, port: port, database: Self.percentDecoded(String(path)))
    }

    /// The URL with its password hidden, for logs.
    public var description: String {
        switch scheme {
        case .sqlite: return "sqlite://\(database)"
        case .postgres, .mysql:
            let creds = user.isEmpty ? "" : (password.isEmpty ? "\(user)@" : "\(user):***@")
            let portText = port.map { ":\($0)" } ?? ""
            return "\(scheme.rawValue)://\(creds)\(host)\(portText)/\(database)"
        }
    }

    public static func redacted(_ text: String) -> String {
        guard let sep = schemeSeparator(in: text), let at = text.lastIndex(of: "@"), at > sep.upperBound else { return text }
        let creds = text[sep.upperBound..<at]
        guard let colon = creds.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// The range of the first "://".
    static func schemeSeparator(in text: String) -> Range<String.Index>? {
        var i = text.startIndex
        while i < text.endIndex {
            if text[i...].hasPrefix("://") { return i..<text.index(i, offsetBy: 3) }
            i = text.index(after: i)
        }
        return nil
    }

    static func percentDecoded(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.first {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: "%"), bytes.count >= 2,
               let hi = hexValue(bytes[bytes.startIndex]), let lo = hexValue(bytes[bytes.startIndex + 1]) {
                out.append(hi << 4 | lo)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
