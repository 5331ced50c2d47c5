extension SQLDialect {
    /// An identifier quoted for this dialect. Needed for Kamailio's column names that are reserved
    /// words somewhere (`partition` in MySQL, `time` in some).
    public func quote(_ identifier: String) -> String {
        switch self {
        case .mysql: return "`" + identifier.replacingAll("`", with: "``") + "`"
        case .sqlite, .postgres: return "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
        }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
