/// db_mysql — accepted as Kamailio configs load it; `mysql://` URLs use TernStorage's driver
/// (Debian's MariaDB client). Parameters are accepted and have no effect.
enum DBMySQLModule {
    static func make() -> DatabaseDriverModule {
        DatabaseDriverModule(name: "db_mysql", intParameters: ["ping_interval", "server_timezone", "timeout_interval", "auto_reconnect",
                                                               "insert_delayed", "update_affected_found", "opt_ssl_mode", "insert_ignore"],
                             stringParameters: ["opt_ssl_ca"])
    }
}
