/// One result row: values in select order, and by column name (case-insensitive, as SQL names are).
public struct DatabaseRow: Sendable, Equatable {
    public let columns: DatabaseColumns
    public var values: [DatabaseValue]

    public init(columns: DatabaseColumns, values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    /// `.null` when the row has no such column.
    public subscript(column: String) -> DatabaseValue {
        guard let i = columns.index(of: column), i < values.count else { return .null }
        return values[i]
    }

    public subscript(index: Int) -> DatabaseValue {
        index >= 0 && index < values.count ? values[index] : .null
    }
}

/// Column names of one result, shared by all its rows.
public final class DatabaseColumns: Sendable, Equatable {
    public let names: [String]
    private let lowercased: [String]

    public init(_ names: [String]) {
        self.names = names
        self.lowercased = names.map { $0.lowercased() }
    }

    public func index(of name: String) -> Int? {
        if let i = names.firstIndex(of: name) { return i }
        let l = name.lowercased()
        return lowercased.firstIndex(of: l)
    }

    public static func == (a: DatabaseColumns, b: DatabaseColumns) -> Bool { a.names == b.names }
}
