import Foundation
import Testing
import TernStorage
import TernTestSupport

/// PostgreSQL and MariaDB for real: a server from Debian's packages started on loopback in a
/// temporary directory for each test and always stopped.
@Suite(.serialized) struct ServerStorageTests {
    @Test(.enabled(if: DatabaseTestServer.unavailableReason(.postgres) == nil, "PostgreSQL server binaries not installed"))
    func postgresSchemaQueriesAndReconnect() throws {
        try withServer(.postgres) { server in
            let pool = try Database.open(url: server.url, maxConnections: 2)
            defer { pool.close() }
            #expect(pool.dialect == .postgres)
            try StorageChecks.schemaAndQueries(pool)
            let pid = try #require(try pool.query("SELECT pg_backend_pid() AS pid").first?["pid"].int)
            let admin = try Database.open(url: server.url, maxConnections: 1)
            defer { admin.close() }
            _ = try admin.query("SELECT pg_terminate_backend(?::int)", [.int(pid)])
            try expectReconnect(pool)
        }
    }

    @Test(.enabled(if: DatabaseTestServer.unavailableReason(.mariadb) == nil, "mariadbd not installed"))
    func mysqlSchemaQueriesAndReconnect() throws {
        try withServer(.mariadb) { server in
            let admin = try Database.open(url: server.url.replacingOccurrences(of: "/tern", with: "/information_schema"), maxConnections: 1)
            defer { admin.close() }
            try admin.execute("CREATE DATABASE tern CHARACTER SET utf8mb4")
            let pool = try Database.open(url: server.url, maxConnections: 2)
            defer { pool.close() }
            #expect(pool.dialect == .mysql)
            try StorageChecks.schemaAndQueries(pool)
            let id = try #require(try pool.query("SELECT CONNECTION_ID() AS id").first?["id"].int)
            try admin.execute("KILL ?", [.int(id)])
            try expectReconnect(pool)
        }
    }

    @Test func unreachableServerIsAConnectionError() throws {
        let port = try FreePort.udpAndTCP()
        for url in ["postgres://u:p@127.0.0.1:\(port)/db", "mysql://u:p@127.0.0.1:\(port)/db"] {
            let pool = try Database.open(url: url)
            do {
                _ = try pool.query("SELECT 1")
                Issue.record("\(url): nothing listens there")
            } catch {
                #expect(error.kind == .connection)
                #expect(!error.message.contains(":p@"), "the password must not be logged")
            }
        }
    }

    /// The killed connection is dropped and counted; a statement that was running on it gets a
    /// connection error (the server may close it before the pool hands it out again, and then
    /// the next call simply gets a fresh one); after that, calls work again.
    private func expectReconnect(_ pool: DatabasePool) throws {
        var failures = 0
        for _ in 0..<2 {
            do { _ = try pool.query("SELECT COUNT(*) AS n FROM subscriber") } catch {
                #expect(error.kind == .connection)
                failures += 1
            }
        }
        #expect(failures <= 1)
        #expect(pool.lostConnections == 1)
        #expect(try pool.query("SELECT COUNT(*) AS n FROM subscriber").first?["n"].int == 1)
    }

    private func withServer(_ kind: DatabaseTestServer.Kind, _ body: (DatabaseTestServer) throws -> Void) throws {
        let server = try DatabaseTestServer.start(kind)
        defer { server.stop() }
        try body(server)
    }
}
