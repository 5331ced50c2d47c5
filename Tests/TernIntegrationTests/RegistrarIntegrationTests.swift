// The registrar on the real binary: the bench's REGISTER load through SIPp with the Contact
// list of every 200 checked (db_mode 1 surviving `kill -9` is in RegistrarDurabilityTests).
import Foundation
import Testing
import TernTestSupport

@Suite("Registrar on the real server", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct RegistrarIntegrationTests {
    /// usrloc + registrar; `OPTIONS sip:count@…` answers with the number of users and contacts,
    /// any other request with what lookup() made of it.
    static func config(usrlocParameters: String = "") -> String {
        TestConfigHead.udp(loading: ["sl", "pv", "kex", "usrloc", "registrar"]) + """
        \(usrlocParameters)

        request_route {
            if (method == "REGISTER") {
                if (!save("location")) { sl_reply_error(); }
                exit;
            }
            if (method == "ACK") { exit; }
            if ($rU == "count") {
                sl_send_reply("200", "users=$stat(location-users) contacts=$stat(location-contacts)");
                exit;
            }
            if ($rU == "ping" || $rU == $null) { sl_send_reply("200", "OK"); exit; }
            $var(rc) = lookup("location");
            sl_send_reply("200", "lookup $var(rc) $ru");
            exit;
        }
        """
    }

    private static let users = PackagePaths.shared + "/bench/scenarios/users.csv"

    private func ask(_ tern: TernProcess, user: String) throws -> String? {
        try tern.client.exchangeUDP { clientPort in
            SIPRequestBuilder.options(serverPort: tern.port, clientPort: clientPort, user: user)
        }?.reasonPhrase
    }

    @Test("10,000 REGISTERs over 1,000 users at 500/s: every 200 lists the one binding with its expires")
    func registerLoad() throws {
        let tern = try TernProcess.start(config: Self.config())
        defer { tern.stop() }
        var run = SIPpRunner(scenario: "register-contacts.xml", serverPort: tern.port, calls: 10_000, rate: 500, timeout: .seconds(40))
        run.extraArguments = ["-inf", Self.users]
        let result = try run.run()
        #expect(result.successfulCalls == 10_000, "\(result)\ntern stderr:\n\(tern.standardError.suffix(2000))")
        #expect(result.failedCalls == 0, "\(result)")
        // 1,000 users, each registered ten times from the same contact (a new Call-ID each
        // time, so §10.3 step 7 replaces the binding): one binding each.
        #expect(try ask(tern, user: "count") == "users=1000 contacts=1000")
        let lookup = try ask(tern, user: "user42")
        #expect(lookup?.hasPrefix("lookup 1 sip:user42@127.0.0.1:") == true, "\(String(describing: lookup))")
        #expect(try ask(tern, user: "user5000") == "lookup -1 sip:user5000@127.0.0.1:\(tern.port)")
    }
}
