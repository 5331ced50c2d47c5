// db_mode 1 (write-through) and 2 (write-back) on SQLite: what a server saved is loaded by the
// next one from the same file; db_mode 3 keeps nothing in memory.
import Foundation
import TernStorage
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct DatabaseModeTests {
    private func temporaryDatabase() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-usrloc-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("location.db").path
    }

    private func parameters(mode: Int, path: String) -> String {
        """
        modparam("usrloc", "db_mode", \(mode))
        modparam("usrloc", "db_url", "sqlite://\(path)")
        """
    }

    @Test func writeThroughSurvivesARestart() throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        do {
            guard let first = RegistrarScript(parameters: parameters(mode: 1, path: path)) else { return }
            for i in 1...20 {
                let (reply, _) = first.register(user: "user\(i)", contacts: ["<sip:user\(i)@192.0.2.\(i):5060>;q=0.\(i % 10)"])
                #expect(reply?.statusCode == 200)
            }
            first.register(user: "user1", contacts: ["<sip:user1@192.0.2.1:5060>"], cseq: 2, expires: 0)
            first.usrloc?.stop()
        }
        guard let second = RegistrarScript(parameters: parameters(mode: 1, path: path)) else { return }
        #expect(second.statistic("location-users") == 19)
        let run = second.run(RegistrarScript.invite(user: "user7"))
        #expect(run.newRequestURI == "sip:user7@192.0.2.7:5060")
        #expect(second.run(RegistrarScript.invite(user: "user1")).variable("rc").intValue == -1)
        let stored = try? second.table?.read("user7") { $0?.contacts.first }
        #expect(stored?.q == 700)
        #expect(stored?.callID == "call-1@ua")
    }

    @Test func aFailedWriteIsNotAcknowledged() throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        guard let script = RegistrarScript(parameters: parameters(mode: 1, path: path)) else { return }
        script.register(user: "alice", contacts: ["<sip:alice@192.0.2.1>"])
        let pool = try Database.open(url: "sqlite://\(path)")
        try pool.execute("DROP TABLE location")
        pool.close()
        let (reply, code) = script.register(contacts: ["<sip:bob@192.0.2.1>"])
        #expect(reply?.statusCode == 500)
        #expect(reply?.value(of: "P-Registrar-Error") == "usrloc_contact_insert failed")
        #expect(reply?.values(of: "Contact") == [])
        #expect(code == -1)
        // Memory was put back: bob is not reachable, alice still is.
        #expect(script.run(RegistrarScript.invite()).variable("rc").intValue == -1)
        #expect(script.run(RegistrarScript.invite(user: "alice")).variable("rc").intValue == 1)
    }

    @Test func writeBackIsWrittenByTheTimer() throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        guard let first = RegistrarScript(parameters: parameters(mode: 2, path: path)) else { return }
        first.register(user: "alice", contacts: ["<sip:alice@192.0.2.1>"])
        let pool = try Database.open(url: "sqlite://\(path)")
        #expect(try pool.query("SELECT * FROM location").count == 0)
        first.location?.timerTick()
        let rows = try pool.query("SELECT username, contact FROM location")
        #expect(rows.count == 1)
        #expect(rows.first?["contact"].text == "sip:alice@192.0.2.1")
        pool.close()
    }

    @Test func databaseOnlyReadsEveryTime() throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        guard let one = RegistrarScript(parameters: parameters(mode: 3, path: path)),
              let two = RegistrarScript(parameters: parameters(mode: 3, path: path)) else { return }
        let (reply, _) = one.register(contacts: ["<sip:bob@192.0.2.1>"])
        #expect(reply?.statusCode == 200)
        // Another node sharing the database finds it.
        let run = two.run(RegistrarScript.invite())
        #expect(run.newRequestURI == "sip:bob@192.0.2.1")
        let (refresh, _) = two.register(contacts: ["<sip:bob@192.0.2.1>"], cseq: 2, expires: 60)
        #expect(RegistrarScript.contacts(refresh) == ["<sip:bob@192.0.2.1>;expires=60"])
    }
}
