/// db_sqlite — accepted as Kamailio configs load it; `sqlite://` URLs use TernStorage's driver
/// (Debian's libsqlite3). Parameters are accepted and have no effect.
enum DBSQLiteModule {
    static func make() -> DatabaseDriverModule {
        DatabaseDriverModule(name: "db_sqlite", intParameters: ["journal_mode", "busy_timeout"], stringParameters: ["db_set_readonly", "db_set_journal_mode"])
    }
}
