import Testing
@testable import TernStorage

@Suite struct DatabaseURLTests {
    @Test func sqliteAbsoluteAndRelative() throws {
        let abs = try DatabaseURL(parsing: "sqlite:///var/lib/tern/tern.db")
        #expect(abs.scheme == .sqlite)
        #expect(abs.database == "/var/lib/tern/tern.db")
        let rel = try DatabaseURL(parsing: "sqlite://tern.db", baseDirectory: "/etc/tern")
        #expect(rel.database == "/etc/tern/tern.db")
    }

    @Test func serverURLs() throws {
        let pg = try DatabaseURL(parsing: "postgres://kamailio:s3cr@t@db.example:6432/kam")
        #expect(pg.scheme == .postgres)
        #expect(pg.user == "kamailio")
        #expect(pg.password == "s3cr@t")
        #expect(pg.host == "db.example")
        #expect(pg.port == 6432)
        #expect(pg.database == "kam")
        #expect(pg.description == "postgres://kamailio:***@db.example:6432/kam")
        let my = try DatabaseURL(parsing: "mysql://kamailio:kamailiorw@localhost/kamailio")
        #expect(my.scheme == .mysql)
        #expect(my.port == nil)
        #expect(my.database == "kamailio")
        let v6 = try DatabaseURL(parsing: "postgres://u:p%40x@[::1]:5432/d")
        #expect(v6.host == "::1")
        #expect(v6.password == "p@x")
    }

    @Test(arguments: ["db.sqlite", "redis://x/y", "postgres://u:p@/db", "mysql://u:p@host:99999/db", "postgres://u:p@host"])
    func badURLsAreRefused(_ text: String) {
        #expect(throws: DatabaseError.self) { try DatabaseURL(parsing: text) }
    }
}
