/// A position in a configuration file: the file as it was named when opened, a 1-based line and
/// a 1-based column (counted in characters). Tokens keep the location they were read at, through
/// includes and define expansions, so every message points at real text.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// For values that come from outside any file (command-line defines, built-in declarations).
    public static func synthetic(_ what: String) -> SourceLocation {
        SourceLocation(file: what, line: 0, column: 0)
    }
}
