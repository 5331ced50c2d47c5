// The authenticated REGISTER load on the real binary: SIPp's [authentication] with the
// bench's injection file of 1,000 users, whose passwords live in auth_db's subscriber table on
// SQLite; 10,000 registrations at 500/s, each challenged exactly once and then accepted with a
// 200 listing its binding. The counts come from SIPp's own per-message statistics.
import Foundation
import TernStorage
import TernTestSupport
import Testing

@Suite("auth_db REGISTER load on the real server", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct AuthRegisterLoadTests {
    private static let users = PackagePaths.shared + "/bench/scenarios/users.csv"
    private static let userCount = 1_000
    private static let registrations = 10_000

    /// auth_db (plain passwords, HA1 computed per request) in front of save("location");
    /// OPTIONS answers 202 with usrloc's counts, so readiness probes touch neither auth nor
    /// the 200/401 counters.
    static func config(database: String) -> String {
        TestConfigHead.udp(loading: ["sl", "pv", "kex", "db_sqlite", "auth", "auth_db", "usrloc", "registrar"]) + """
        modparam("auth_db", "db_url", "sqlite://\(database)")
        modparam("auth_db", "calculate_ha1", 1)
        modparam("auth_db", "password_column", "password")
        request_route {
            if (method == "ACK") { exit; }
            if (method == "OPTIONS") {
                sl_send_reply("202", "users=$stat(location-users) contacts=$stat(location-contacts)");
                exit;
            }
            if (!www_authorize("", "subscriber")) {
                www_challenge("", "1");
                exit;
            }
            consume_credentials();
            if (!save("location")) { sl_reply_error(); }
            exit;
        }
        """
    }

    /// user1…userN with password pwN in domain 127.0.0.1 (the realm SIPp's From host gives),
    /// as the bench's users.csv names them.
    private func addSubscribers(_ url: String, count: Int) throws {
        let pool = try Database.open(url: url)
        defer { pool.close() }
        try KamailioSchema.createMissingTables(on: pool)
        try pool.withConnection { (connection) throws(DatabaseError) in
            try connection.execute("BEGIN")
            for i in 1...count {
                try connection.execute("INSERT INTO subscriber (username, domain, password) VALUES (?, ?, ?)",
                                       [.text("user\(i)"), .text("127.0.0.1"), .text("pw\(i)")])
            }
            try connection.execute("COMMIT")
        }
    }

    @Test("10,000 digest REGISTERs over 1,000 subscribers at 500/s: each challenged once (401), then 200 with its binding")
    func registerWithDigestFromSubscriberTable() throws {
        let data = try TemporaryDirectory(prefix: "tern-authload")
        try addSubscribers("sqlite://" + data.file("tern.db"), count: Self.userCount)
        let tern = try TernProcess.start(config: Self.config(database: data.file("tern.db")))
        defer { tern.stop() }

        var run = SIPpRunner(scenario: "register-auth-contacts.xml", serverPort: tern.port, calls: Self.registrations,
                             rate: 500, timeout: .seconds(45))
        run.extraArguments = ["-inf", Self.users]
        let result = try run.run()
        #expect(result.successfulCalls == Self.registrations, "\(result)\ntern stderr:\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")

        // SIPp's final screen counts each scenario step: two REGISTERs sent, a 401 and a 200
        // received, per registration.
        let steps = SIPpScreenCounts(result.output)
        #expect(steps.received(401) == Self.registrations, "401s received: \(String(describing: steps.received(401)))\n\(result)")
        #expect(steps.received(200) == Self.registrations, "200s received: \(String(describing: steps.received(200)))\n\(result)")
        #expect(steps.sent("REGISTER") == [Self.registrations, Self.registrations], "\(result)")

        let counts = try tern.client.exchangeUDP { clientPort in
            SIPRequestBuilder.options(serverPort: tern.port, clientPort: clientPort, user: "count")
        }
        #expect(counts?.reasonPhrase == "users=1000 contacts=1000", "\(String(describing: counts))")
    }
}

/// The message table of SIPp's final screen (`-trace_screen`):
/// `REGISTER ---------->  B-RTD1  10000  0  0` for a sent step,
/// `401 <----------  10000  0  0  0` for a received one (messages, retransmissions, …).
struct SIPpScreenCounts {
    private(set) var sentSteps: [(message: String, count: Int)] = []
    private(set) var receivedSteps: [(message: String, count: Int)] = []

    init(_ output: String) {
        // Only the last screen printed: earlier ones (if any) hold partial counts.
        let screen = output.components(separatedBy: "--- sipp screen ---").last ?? output
        for line in screen.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 3 else { continue }
            let arrow = words[1]
            let numbers = words.dropFirst(2).filter { !$0.contains("-RTD") }.compactMap { Int($0) }
            guard let count = numbers.first else { continue }
            if arrow.hasPrefix("--") && arrow.hasSuffix(">") {
                sentSteps.append((words[0], count))
            } else if arrow.hasPrefix("<-") {
                receivedSteps.append((words[0], count))
            }
        }
    }

    /// The count of the received step for this status code (nil when the screen has none).
    func received(_ code: Int) -> Int? {
        receivedSteps.first { $0.message == String(code) }?.count
    }

    /// The counts of every sent step of this method, in scenario order.
    func sent(_ method: String) -> [Int] {
        sentSteps.filter { $0.message == method }.map(\.count)
    }
}
