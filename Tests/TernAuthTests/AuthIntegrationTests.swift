// auth and auth_db on the real binary: the bench's register-auth.cfg unchanged under SIPp's
// digest client, auth_db against an SQLite subscriber table, and a replayed Authorization sent
// over the wire.
import Foundation
import SIPCore
import TernStorage
import TernTestSupport
import Testing

@testable import TernModules

@Suite("auth on the real server", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct AuthIntegrationTests {
    private static let scenarios = PackagePaths.shared + "/bench/scenarios"
    /// The bench's scenario, named relative to Tests/Scenarios as SIPpRunner wants it.
    private static let benchScenario = "../../../shared/bench/scenarios/register-auth.xml"

    @Test("register-auth.cfg unchanged: 1,000 REGISTERs challenged once, then 200")
    func benchRegisterAuth() throws {
        let config = PackagePaths.benchConfigs + "/register-auth.cfg"
        guard FileManager.default.fileExists(atPath: config) else { return }
        let tern = try TernProcess.start(
            config: try String(contentsOfFile: config, encoding: .utf8),
            arguments: ["-A", "PORT={PORT}"],
            files: ["common.inc": try String(contentsOfFile: PackagePaths.benchConfigs + "/common.inc", encoding: .utf8)])
        defer { tern.stop() }
        var run = SIPpRunner(scenario: Self.benchScenario, serverPort: tern.port, calls: 1_000, rate: 250,
                             timeout: .seconds(25))
        run.extraArguments = ["-inf", Self.scenarios + "/users.csv"]
        let result = try run.run()
        #expect(result.successfulCalls == 1_000, "\(result)\ntern stderr:\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
    }

    /// auth_db with the subscriber table in SQLite; 200 from sl once authorized.
    static func authDBConfig(database: String) -> String {
        TestConfigHead.udp(loading: ["sl", "pv", "db_sqlite", "auth", "auth_db"]) + """
        modparam("auth_db", "db_url", "sqlite://\(database)")
        modparam("auth_db", "calculate_ha1", 0)
        request_route {
            if (method == "ACK") { exit; }
            $var(rc) = www_authorize("", "subscriber");
            if ($var(rc) != 1) {
                if ($var(rc) == -3) { sl_send_reply("403", "Forbidden"); exit; }
                www_challenge("", "1");
                exit;
            }
            consume_credentials();
            sl_send_reply("200", "OK $au");
            exit;
        }
        """
    }

    private func addSubscribers(_ url: String, count: Int, domain: String) throws {
        let pool = try Database.open(url: url)
        defer { pool.close() }
        try KamailioSchema.createMissingTables(on: pool)
        for i in 1...count {
            let user = "user\(i)", password = "pw\(i)"
            try pool.execute("INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (?, ?, ?, ?, ?)", [
                .text(user), .text(domain), .text(password),
                .text(DigestAlgorithm.md5.ha1Text(username: user, realm: domain, password: password)),
                .text(DigestAlgorithm.md5.ha1Text(username: "\(user)@\(domain)", realm: domain, password: password)),
            ])
        }
    }

    @Test("auth_db on SQLite: SIPp's digest REGISTERs from the subscriber table get 200")
    func authDBWithSIPp() throws {
        let data = try TemporaryDirectory(prefix: "tern-authdb")
        let url = "sqlite://" + data.file("tern.db")
        try addSubscribers(url, count: 100, domain: "127.0.0.1")
        let tern = try TernProcess.start(config: Self.authDBConfig(database: data.file("tern.db")))
        defer { tern.stop() }
        var run = SIPpRunner(scenario: Self.benchScenario, serverPort: tern.port, calls: 300, rate: 150,
                             timeout: .seconds(20))
        // The injection file names exactly the 100 subscribers; SIPp cycles through it.
        let users = try data.write("users.csv", "SEQUENTIAL\n" + (1...100).map { "user\($0);pw\($0);[authentication username=user\($0) password=pw\($0)]" }.joined(separator: "\n") + "\n")
        run.extraArguments = ["-inf", users]
        let result = try run.run()
        #expect(result.successfulCalls == 300, "\(result)\ntern stderr:\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
    }

    @Test("over the wire: a replayed Authorization is challenged again with stale=true; a wrong password gets 401; an unknown user 403")
    func replayWrongPasswordUnknownUser() throws {
        let data = try TemporaryDirectory(prefix: "tern-authdb")
        try addSubscribers("sqlite://" + data.file("tern.db"), count: 2, domain: "127.0.0.1")
        let tern = try TernProcess.start(config: Self.authDBConfig(database: data.file("tern.db")))
        defer { tern.stop() }

        func register(_ user: String, _ authorization: String?) throws -> SIPReply? {
            try tern.client.exchangeUDP { clientPort in
                SIPRequestBuilder.request(method: "REGISTER", serverPort: tern.port, clientPort: clientPort, transport: "UDP",
                                          user: user, callID: uniqueToken("c"), cseq: 1,
                                          extraHeaders: authorization.map { [(name: "Authorization", value: $0)] } ?? [])
            }
        }
        let first = try #require(try register("user1", nil))
        #expect(first.statusCode == 401)
        let challenge = try #require(Challenge(first.value(of: "WWW-Authenticate")))
        #expect(challenge.realm == "127.0.0.1")
        var client = DigestClient(username: "user1", password: "pw1")
        client.uri = "sip:user1@127.0.0.1:\(tern.port)"
        let header = String(client.authorization(challenge, nc: 1).dropFirst("Authorization: ".count))
        let ok = try #require(try register("user1", header))
        #expect(ok.statusCode == 200, "\(ok)")
        #expect(ok.reasonPhrase == "OK user1")

        let replay = try #require(try register("user1", header))
        #expect(replay.statusCode == 401)
        #expect(Challenge(replay.value(of: "WWW-Authenticate"))?.stale == true)

        var wrong = DigestClient(username: "user2", password: "not-pw2")
        wrong.uri = client.uri
        let bad = try #require(try register("user2", String(wrong.authorization(challenge, nc: 1).dropFirst("Authorization: ".count))))
        #expect(bad.statusCode == 401)
        #expect(Challenge(bad.value(of: "WWW-Authenticate"))?.stale == false)

        var stranger = DigestClient(username: "nobody", password: "x")
        stranger.uri = client.uri
        let unknown = try #require(try register("nobody", String(stranger.authorization(challenge, nc: 2).dropFirst("Authorization: ".count))))
        #expect(unknown.statusCode == 403)
    }

    @Test("ternctl add / passwd / rm: the running server sees each change")
    func subscriberCommands() throws {
        let ternctl = PackagePaths.root + "/.build/debug/ternctl"
        guard FileManager.default.isExecutableFile(atPath: ternctl) else {
            Issue.record("ternctl is not built at \(ternctl)")
            return
        }
        let data = try TemporaryDirectory(prefix: "tern-ternctl")
        let url = "sqlite://" + data.file("tern.db")
        func ctl(_ arguments: String...) throws -> CommandResult {
            try ChildProcess.run(executable: ternctl, arguments: arguments + ["--db", url], timeout: .seconds(10))
        }
        #expect(try ctl("add", "carol@127.0.0.1", "first").status == .exited(0))
        let duplicate = try ctl("add", "carol@127.0.0.1", "again")
        #expect(duplicate.status == .exited(1))
        #expect(duplicate.standardError.contains("already exists"))

        let tern = try TernProcess.start(config: Self.authDBConfig(database: data.file("tern.db")))
        defer { tern.stop() }
        func register(_ password: String) throws -> Int? {
            let challenge = try tern.client.exchangeUDP { port in
                SIPRequestBuilder.request(method: "REGISTER", serverPort: tern.port, clientPort: port, transport: "UDP",
                                          user: "carol", callID: uniqueToken("c"), cseq: 1, extraHeaders: [])
            }
            guard let c = Challenge(challenge?.value(of: "WWW-Authenticate")) else { return nil }
            var client = DigestClient(username: "carol", password: password)
            client.uri = "sip:carol@127.0.0.1:\(tern.port)"
            let header = String(client.authorization(c, nc: 1).dropFirst("Authorization: ".count))
            return try tern.client.exchangeUDP { port in
                SIPRequestBuilder.request(method: "REGISTER", serverPort: tern.port, clientPort: port, transport: "UDP",
                                          user: "carol", callID: uniqueToken("c"), cseq: 2,
                                          extraHeaders: [(name: "Authorization", value: header)])
            }?.statusCode
        }
        #expect(try register("first") == 200)
        #expect(try ctl("passwd", "carol", "second", "--domain", "127.0.0.1").status == .exited(0))
        #expect(try register("first") == 401)
        #expect(try register("second") == 200)
        #expect(try ctl("rm", "carol@127.0.0.1").status == .exited(0))
        #expect(try register("second") == 403)
        #expect(try ctl("rm", "carol@127.0.0.1").status == .exited(1))
        #expect(try ctl("add", "nodomain", "pw").status == .exited(64))
    }
}
