/// The table a compiled `$sht(name=>…)` names. Scripts are compiled before modparams define
/// the tables, so the handle is filled in when they are; workers then reach the table without
/// looking its name up (or touching the module) on every read.
final class HTableHandle: @unchecked Sendable {
    let name: String
    /// Set while the module is configured, before any message; read-only afterwards.
    @exclusivity(unchecked) private(set) var table: HTable?

    init(name: String, table: HTable?) {
        self.name = name
        self.table = table
    }

    func resolve(in tables: [String: HTable]) {
        table = tables[name]
    }
}
