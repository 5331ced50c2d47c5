/// One table as Kamailio's schema defines it: an `id` primary key first, then its columns.
public struct TableSchema: Sendable, Equatable {
    public enum ColumnType: Sendable, Equatable {
        case varchar(Int)
        case int
        case uint
        case float
        /// DATETIME in MySQL, TIMESTAMP WITHOUT TIME ZONE in PostgreSQL and SQLite ("YYYY-MM-DD HH:MM:SS").
        case datetime
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: ColumnType
        public var nullable: Bool
        /// SQL literal, or nil for none.
        public var defaultValue: String?
        public init(_ name: String, _ type: ColumnType, nullable: Bool = false, default defaultValue: String?) {
            self.name = name
            self.type = type
            self.nullable = nullable
            self.defaultValue = defaultValue
        }
    }

    public struct Index: Sendable, Equatable {
        public var name: String
        public var columns: [String]
        public init(_ name: String, _ columns: [String]) {
            self.name = name
            self.columns = columns
        }
    }

    public var name: String
    /// The `version` table's value for this table.
    public var version: Int
    public var columns: [Column]
    public var uniques: [Index]
    public var indexes: [Index]

    public init(name: String, version: Int, columns: [Column], uniques: [Index] = [], indexes: [Index] = []) {
        self.name = name
        self.version = version
        self.columns = columns
        self.uniques = uniques
        self.indexes = indexes
    }

    /// CREATE TABLE plus CREATE INDEX statements for `dialect`. As Kamailio's scripts do, index and
    /// constraint names are prefixed with the table name in PostgreSQL and SQLite (one namespace
    /// per database there) and bare in MySQL (one per table).
    public func createStatements(for dialect: SQLDialect) -> [String] {
        let q = dialect.quote
        var parts: [String] = []
        switch dialect {
        case .mysql: parts.append("\(q("id")) INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL")
        case .postgres: parts.append("\(q("id")) SERIAL PRIMARY KEY NOT NULL")
        case .sqlite: parts.append("\(q("id")) INTEGER PRIMARY KEY NOT NULL")
        }
        for column in columns {
            var text = "\(q(column.name)) \(sqlType(column.type, dialect))"
            if let d = column.defaultValue { text += " DEFAULT \(d)" }
            if !column.nullable { text += " NOT NULL" }
            parts.append(text)
        }
        for unique in uniques {
            parts.append("CONSTRAINT \(q(indexName(unique, dialect))) UNIQUE (\(unique.columns.map(q).joined(separator: ", ")))")
        }
        var statements = ["CREATE TABLE \(q(name)) (\n    " + parts.joined(separator: ",\n    ") + "\n)" + (dialect == .mysql ? " ENGINE=InnoDB" : "")]
        for index in indexes {
            statements.append("CREATE INDEX \(q(indexName(index, dialect))) ON \(q(name)) (\(index.columns.map(q).joined(separator: ", ")))")
        }
        return statements
    }

    private func indexName(_ index: Index, _ dialect: SQLDialect) -> String {
        dialect == .mysql ? index.name : "\(name)_\(index.name)"
    }

    private func sqlType(_ type: ColumnType, _ dialect: SQLDialect) -> String {
        switch (type, dialect) {
        case (.varchar(let n), _): return "VARCHAR(\(n))"
        case (.int, .mysql): return "INT(11)"
        case (.int, _): return "INTEGER"
        case (.uint, .mysql): return "INT UNSIGNED"
        case (.uint, _): return "INTEGER"
        case (.float, .mysql): return "FLOAT(10,2)"
        case (.float, _): return "REAL"
        case (.datetime, .mysql): return "DATETIME"
        case (.datetime, _): return "TIMESTAMP WITHOUT TIME ZONE"
        }
    }
}
