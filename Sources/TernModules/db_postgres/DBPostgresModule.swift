/// db_postgres — accepted as Kamailio configs load it; `postgres://` URLs use TernStorage's
/// driver (postgres-nio). Parameters are accepted and have no effect: Tern reconnects on the next
/// use after a lost connection and reports the failure to the caller.
enum DBPostgresModule {
    static func make() -> DatabaseDriverModule {
        DatabaseDriverModule(name: "db_postgres", intParameters: ["retries", "timeout", "tcp_keepalive", "bytea_output_escape"], stringParameters: ["con_param"])
    }
}
