import Testing
import TernStorage
import TernTestSupport

@Suite struct SQLiteStorageTests {
    @Test func kamailioSchemaAndQueries() throws {
        let dir = try TemporaryDirectory(prefix: "tern-sqlite")
        let pool = try Database.open(url: "sqlite://tern.db", maxConnections: 2, baseDirectory: dir.path)
        defer { pool.close() }
        #expect(pool.dialect == .sqlite)
        try StorageChecks.schemaAndQueries(pool)
    }

    @Test func dataSurvivesReopening() throws {
        let dir = try TemporaryDirectory(prefix: "tern-sqlite")
        let url = "sqlite://" + dir.file("k.db")
        do {
            let pool = try Database.open(url: url)
            try KamailioSchema.createMissingTables(on: pool)
            try pool.execute("INSERT INTO subscriber (username, domain, ha1) VALUES (?, ?, ?)", ["bob", "d", "x"])
            pool.close()
        }
        let again = try Database.open(url: url)
        defer { again.close() }
        #expect(try KamailioSchema.createMissingTables(on: again).isEmpty)
        #expect(try again.query("SELECT ha1 FROM subscriber WHERE username = ?", ["bob"]).first?["ha1"] == .text("x"))
    }

    @Test func unopenableFileIsAStartupError() {
        #expect(throws: DatabaseError.self) { try Database.open(url: "sqlite:///nonexistent-dir-for-tern/x.db") }
    }

    @Test func concurrentWritersShareTheFile() throws {
        let dir = try TemporaryDirectory(prefix: "tern-sqlite")
        let pool = try Database.open(url: "sqlite://" + dir.file("c.db"), maxConnections: 4)
        defer { pool.close() }
        try KamailioSchema.createMissingTables(on: pool, tables: [KamailioSchema.htable])
        let threads = 4, perThread = 50
        DispatchConcurrentLoop.run(threads) { t in
            for i in 0..<perThread {
                _ = try? pool.execute("INSERT INTO htable (key_name, key_value) VALUES (?, ?)", [.text("k\(t)-\(i)"), "v"])
            }
        }
        #expect(try pool.query("SELECT COUNT(*) AS n FROM htable").first?["n"].int == Int64(threads * perThread))
    }
}
