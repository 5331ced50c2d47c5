// usrloc on a real PostgreSQL server (started for the test on loopback): two nodes sharing
// the database with db_mode 3 see each other's registrations; db_mode 1 reloads them.
import TernStorage
import TernTestSupport
import Testing

@testable import TernModules

@Suite("usrloc on PostgreSQL", .serialized,
       .enabled(if: DatabaseTestServer.unavailableReason(.postgres) == nil, "PostgreSQL server binaries not installed"))
struct PostgresModeTests {
    private func parameters(mode: Int, url: String) -> String {
        """
        modparam("usrloc", "db_mode", \(mode))
        modparam("usrloc", "db_url", "\(url)")
        """
    }

    @Test func twoNodesShareBindingsWithDatabaseOnlyMode() throws {
        let server = try DatabaseTestServer.start(.postgres)
        defer { server.stop() }
        guard let one = RegistrarScript(parameters: parameters(mode: 3, url: server.url)),
              let two = RegistrarScript(parameters: parameters(mode: 3, url: server.url)) else { return }
        let (reply, _) = one.register(contacts: ["<sip:bob@192.0.2.1>;q=0.5"], cseq: 5)
        #expect(reply?.statusCode == 200)
        let run = two.run(RegistrarScript.invite())
        #expect(run.newRequestURI == "sip:bob@192.0.2.1")
        // A second device registered on the other node: both nodes list both.
        let (both, _) = two.register(contacts: ["<sip:bob@192.0.2.2>;q=1"], callID: "other")
        #expect(both?.statusCode == 200)
        #expect(RegistrarScript.contacts(both) == ["<sip:bob@192.0.2.2>;q=1;expires=3600", "<sip:bob@192.0.2.1>;q=0.5;expires=3600"])
        let (query, _) = one.register(contacts: [], cseq: 6)
        #expect(RegistrarScript.contacts(query).count == 2)
        // Out-of-order CSeq is caught across nodes too.
        let (stale, _) = two.register(contacts: ["<sip:bob@192.0.2.1>"], cseq: 3)
        #expect(stale?.statusCode == 400)
    }

    @Test func writeThroughReloadsFromPostgreSQL() throws {
        let server = try DatabaseTestServer.start(.postgres)
        defer { server.stop() }
        do {
            guard let first = RegistrarScript(parameters: parameters(mode: 1, url: server.url)) else { return }
            for i in 1...10 { first.register(user: "user\(i)", contacts: ["<sip:user\(i)@192.0.2.\(i)>"]) }
            first.usrloc?.stop()
        }
        guard let second = RegistrarScript(parameters: parameters(mode: 1, url: server.url)) else { return }
        #expect(second.statistic("location-users") == 10)
        #expect(second.run(RegistrarScript.invite(user: "user3")).newRequestURI == "sip:user3@192.0.2.3")
    }
}
