// auth_db against a real SQLite subscriber table made with Kamailio's schema.
import SIPCore
import TernScript
import TernStorage
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct AuthDBTests {
    private func script(_ dir: TemporaryDirectory, params: String = "", call: String = "www_authorize(\"$td\", \"subscriber\")") -> AuthScript? {
        AuthScript("""
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "db_sqlite.so"
            loadmodule "auth.so"
            loadmodule "auth_db.so"
            modparam("auth_db", "db_url", "sqlite://\(dir.file("tern.db"))")
            \(params)
            request_route {
                $var(rc) = \(call);
                if ($var(rc) != 1) { www_challenge("$td", "1"); exit; }
            }
            """)
    }

    private func addSubscriber(_ dir: TemporaryDirectory, user: String, domain: String, password: String) throws {
        let pool = try Database.open(url: "sqlite://" + dir.file("tern.db"))
        defer { pool.close() }
        try KamailioSchema.createMissingTables(on: pool)
        let ha1 = DigestAlgorithm.md5.ha1Text(username: user, realm: domain, password: password)
        let ha1b = DigestAlgorithm.md5.ha1Text(username: "\(user)@\(domain)", realm: domain, password: password)
        try pool.execute("INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (?, ?, ?, ?, ?)",
                         [.text(user), .text(domain), .text(password), .text(ha1), .text(ha1b)])
    }

    private func answer(_ s: AuthScript, user: String, password: String) throws -> Int {
        let first = s.run(ScriptTestHarness.register())
        let c = try #require(Challenge(first.replies.first?.value(of: "WWW-Authenticate")))
        let run = s.run(ScriptTestHarness.register([DigestClient(username: user, password: password).authorization(c, nc: 1)]))
        return run.variable("rc").intValue
    }

    @Test func subscriberTableCreatedAndUsed() throws {
        let dir = try TemporaryDirectory(prefix: "tern-authdb")
        guard let s = script(dir) else { return }
        // Loading the config made the tables.
        try addSubscriber(dir, user: "bob", domain: "example.com", password: "pw-bob")
        #expect(try answer(s, user: "bob", password: "pw-bob") == 1)
        #expect(try answer(s, user: "bob", password: "nope") == AuthResult.invalidPassword.rawValue)
        #expect(try answer(s, user: "carol", password: "pw") == AuthResult.userUnknown.rawValue)
        // user@domain usernames are checked against ha1b.
        #expect(try answer(s, user: "bob@example.com", password: "pw-bob") == 1)
    }

    @Test func plainPasswordColumnWithCalculateHA1() throws {
        let dir = try TemporaryDirectory(prefix: "tern-authdb")
        guard let s = script(dir, params: """
            modparam("auth_db", "calculate_ha1", 1)
            modparam("auth_db", "password_column", "password")
            modparam("auth_db", "use_domain", 1)
            """) else { return }
        try addSubscriber(dir, user: "bob", domain: "example.com", password: "pw-bob")
        #expect(try answer(s, user: "bob", password: "pw-bob") == 1)
        try addSubscriber(dir, user: "dave", domain: "other.example", password: "pw-d")
        // use_domain: the realm (example.com) must be the row's domain.
        #expect(try answer(s, user: "dave", password: "pw-d") == AuthResult.userUnknown.rawValue)
    }

    @Test func authCheckComparesTheToUser() throws {
        let dir = try TemporaryDirectory(prefix: "tern-authdb")
        guard let s = script(dir, call: "auth_check(\"$td\", \"subscriber\", \"1\")") else { return }
        try addSubscriber(dir, user: "bob", domain: "example.com", password: "pw-bob")
        try addSubscriber(dir, user: "mallory", domain: "example.com", password: "pw-m")
        #expect(try answer(s, user: "bob", password: "pw-bob") == 1)
        // To is bob: mallory may not register bob's contacts with her own password.
        #expect(try answer(s, user: "mallory", password: "pw-m") == AuthResult.userMismatch.rawValue)
    }

    @Test func isSubscriber() throws {
        let dir = try TemporaryDirectory(prefix: "tern-authdb")
        guard let s = script(dir, call: "is_subscriber(\"$ru\", \"subscriber\", \"0\")") else { return }
        try addSubscriber(dir, user: "bob", domain: "example.com", password: "pw-bob")
        let known = s.run(ScriptTestHarness.request(method: "INVITE", uri: "sip:bob@example.com"))
        #expect(known.variable("rc").intValue == 1)
        let unknown = s.run(ScriptTestHarness.request(method: "INVITE", uri: "sip:carol@example.com"))
        #expect(unknown.variable("rc").intValue == -1)
    }

    @Test func driverModulesLoadWithTheirParameters() {
        let result = ScriptTestHarness.load("""
            loadmodule "db_sqlite.so"
            loadmodule "db_postgres.so"
            loadmodule "db_mysql.so"
            modparam("db_mysql", "ping_interval", 60)
            modparam("db_postgres", "retries", 2)
            request_route { exit; }
            """)
        if case .failure(let list) = result { Issue.record("\(list)") }
    }

    @Test func unreachableDatabaseIsAConfigError() {
        let result = ScriptTestHarness.load("""
            loadmodule "auth.so"
            loadmodule "auth_db.so"
            modparam("auth_db", "db_url", "sqlite:///nonexistent-tern-dir/x.db")
            request_route { exit; }
            """)
        guard case .failure(let list) = result else {
            Issue.record("a database that cannot be opened must stop the start")
            return
        }
        #expect("\(list)".contains("auth_db db_url"))
    }
}
