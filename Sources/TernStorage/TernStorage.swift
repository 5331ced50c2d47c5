// TernStorage: a `db_url` becomes a pool of blocking database connections (SQLite, PostgreSQL,
// MySQL/MariaDB) that script workers call directly, as Kamailio's db modules do; Kamailio's table
// schemas, created when missing, so an existing Kamailio database works as it is.
// Knows nothing about SIP.
