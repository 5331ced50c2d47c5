import Testing
@testable import TernStorage

/// A connection that fails like a dropped server connection when told to.
private final class ScriptedConnection: DatabaseConnection, @unchecked Sendable {
    let serial: Int
    var failNext: Bool
    private(set) var isOpen = true
    var dialect: SQLDialect { .sqlite }
    init(serial: Int, failNext: Bool) { self.serial = serial; self.failNext = failNext }
    func execute(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> Int {
        if failNext {
            isOpen = false
            throw DatabaseError(.connection, "server closed the connection")
        }
        return serial
    }
    func query(_ sql: String, _ parameters: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] { [] }
    func close() { isOpen = false }
}

private final class Counter: @unchecked Sendable {
    var opened = 0
}

@Suite struct DatabasePoolTests {
    @Test func lostConnectionIsReportedThenReopened() throws {
        let counter = Counter()
        let pool = DatabasePool(url: DatabaseURL(scheme: .sqlite, database: ":memory:"), dialect: .sqlite, maxConnections: 1) {
            () throws(DatabaseError) -> DatabaseConnection in
            counter.opened += 1
            return ScriptedConnection(serial: counter.opened, failNext: counter.opened == 1)
        }
        // The failure reaches the caller; it is not swallowed or silently retried.
        do {
            try pool.execute("UPDATE x SET y = 1")
            Issue.record("the lost connection must be reported")
        } catch {
            #expect(error.kind == .connection)
        }
        #expect(pool.lostConnections == 1)
        // The next call gets a fresh connection.
        #expect(try pool.execute("UPDATE x SET y = 1") == 2)
        #expect(counter.opened == 2)
        pool.close()
        #expect(throws: DatabaseError.self) { try pool.execute("UPDATE x SET y = 1") }
    }

    @Test func connectionsAreReusedNotReopened() throws {
        let counter = Counter()
        let pool = DatabasePool(url: DatabaseURL(scheme: .sqlite, database: ":memory:"), dialect: .sqlite, maxConnections: 3) {
            () throws(DatabaseError) -> DatabaseConnection in
            counter.opened += 1
            return ScriptedConnection(serial: counter.opened, failNext: false)
        }
        for _ in 0..<10 { #expect(try pool.execute("SELECT 1") == 1) }
        #expect(counter.opened == 1)
    }

    @Test func placeholdersSkipQuotedText() {
        let (sql, n) = SQLPlaceholders.numbered("SELECT '?', \"a?\" FROM t WHERE a = ? AND b = 'it''s ?' AND c = ? -- ?\n")
        #expect(n == 2)
        #expect(sql == "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b = 'it''s ?' AND c = $2 -- ?\n")
    }
}
