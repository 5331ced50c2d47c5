// Durability of usrloc's db_mode 1 (write-through): 1,000 registrations acknowledged by SIPp,
// then `kill -9` of tern and a restart on the same database; every binding must be back, seen
// three ways: $stat(location-*), a lookup("location") per user, and `ternctl ul show` over
// the ctl socket. Once on SQLite, once on a real PostgreSQL server.
import Foundation
import Testing
import TernTestSupport

@Suite("Registrar durability: db_mode 1 survives kill -9", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct RegistrarDurabilityTests {
    private static let users = PackagePaths.shared + "/bench/scenarios/users.csv"
    private static let userCount = 1_000

    /// RegistrarIntegrationTests' config with usrloc on `url` (db_mode 1) and ctl on a socket
    /// in the test directory, for ternctl.
    private static func config(databaseURL url: String) -> String {
        RegistrarIntegrationTests.config(usrlocParameters: """
            loadmodule "ctl.so"
            modparam("ctl", "binrpc", "unix:{DIR}/tern_ctl")
            modparam("usrloc", "db_mode", 1)
            modparam("usrloc", "db_url", "\(url)")
            """)
    }

    @Test("SQLite: 1,000 acknowledged bindings are back after kill -9 (stats, lookup, ternctl ul show)")
    func sqliteWriteThrough() throws {
        let data = try TemporaryDirectory(prefix: "tern-usrloc")
        try registerKillRestart(databaseURL: "sqlite://\(data.path)/location.db")
    }

    @Test("PostgreSQL: 1,000 acknowledged bindings are back after kill -9 (stats, lookup, ternctl ul show)",
          .enabled(if: DatabaseTestServer.unavailableReason(.postgres) == nil, "PostgreSQL server binaries not installed"))
    func postgresWriteThrough() throws {
        let database = try DatabaseTestServer.start(.postgres)
        defer { database.stop() }
        try registerKillRestart(databaseURL: database.url)
    }

    private func registerKillRestart(databaseURL url: String) throws {
        let config = Self.config(databaseURL: url)
        let first = try TernProcess.start(config: config)
        var run = SIPpRunner(scenario: "register-contacts.xml", serverPort: first.port, calls: Self.userCount, rate: 500,
                             timeout: .seconds(20))
        run.extraArguments = ["-inf", Self.users]
        let result = try run.run()
        #expect(result.successfulCalls == Self.userCount, "\(result)\ntern stderr:\n\(first.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
        #expect(try count(first) == "users=1000 contacts=1000")
        let killed = first.stop(signal: SIGKILL)
        #expect(killed.status == .signaled(SIGKILL), "\(killed)")

        let second = try TernProcess.start(config: config)
        defer { second.stop() }
        #expect(try count(second) == "users=1000 contacts=1000", "\(second.standardError.suffix(2000))")

        let missing = try usersLookupMisses(second)
        #expect(missing.isEmpty, "lookup(\"location\") found no binding for \(missing.count) users, e.g. \(missing.prefix(5))")

        let show = try ChildProcess.run(executable: Ternctl.binary,
                                        arguments: ["ul", "show", "--socket", second.directory.file("tern_ctl")],
                                        workingDirectory: second.directory.path, timeout: .seconds(20))
        #expect(show.status == .exited(0), "\(show)")
        let listed = Self.listedBindings(show.standardOutput)
        let expected = Set((1...Self.userCount).map { "user\($0)" })
        #expect(Set(listed.keys) == expected,
                "ternctl ul show listed \(listed.count) AORs; missing e.g. \(expected.subtracting(listed.keys).sorted().prefix(5))")
        let wrong = listed.filter { aor, contacts in
            contacts.count != 1 || contacts.first?.hasPrefix("sip:\(aor)@127.0.0.1:") != true
        }
        #expect(wrong.isEmpty, "AORs whose listed contacts are not the one registered: \(wrong.prefix(5))")
    }

    /// `ternctl ul show`'s table (AOR CONTACT EXPIRES Q), as AOR -> contacts.
    private static func listedBindings(_ output: String) -> [String: [String]] {
        var bindings: [String: [String]] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 2, fields[0].hasPrefix("user") else { continue }
            bindings[fields[0], default: []].append(fields[1])
        }
        return bindings
    }

    private func count(_ tern: TernProcess) throws -> String? {
        try tern.client.exchangeUDP { clientPort in
            SIPRequestBuilder.options(serverPort: tern.port, clientPort: clientPort, user: "count")
        }?.reasonPhrase
    }

    /// Sends one OPTIONS per user from one socket, one at a time; the config answers each with
    /// lookup()'s code and the R-URI it made. Returns the users whose lookup did not find the
    /// binding SIPp registered.
    private func usersLookupMisses(_ tern: TernProcess) throws -> [String] {
        let socket = try UDPEndpoint()
        var missing: [String] = []
        for i in 1...Self.userCount {
            let user = "user\(i)"
            let callID = uniqueToken("lookup")
            let request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: socket.localPort, user: user, callID: callID)
            var reply: SIPReply?
            for _ in 0..<3 where reply == nil {
                try socket.send(request.bytes(), to: tern.port)
                reply = try socket.receiveReply(timeout: .seconds(1)) { $0.value(of: "Call-ID") == callID }
            }
            if reply?.reasonPhrase.hasPrefix("lookup 1 sip:\(user)@127.0.0.1:") != true { missing.append(user) }
        }
        return missing
    }
}
