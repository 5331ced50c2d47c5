// Step 6 of the seed's missed-call service: examples/exec-6-acc.cfg, where acc writes every
// missed call into the missed_calls table of the SQLite file beside the config while the
// notifier mails as in step 5. Driven with SIPp and a registered phone that answers busy.
import Foundation
import SIPCore
import TernTestSupport
import Testing

@Suite("exec example step 6: acc's missed_calls", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed"),
       .enabled(if: modulesNotBuilt("exec-6-acc.cfg").isEmpty, "waits for acc, tm, usrloc, registrar"),
       .enabled(if: TMAccountingProbe.ready, "waits for tm's requestContext(of:) / setMessageFlags (TransactionAPI)"))
struct ExecAccExampleTests {
    static func missedCalls(_ example: RunningExample) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [example.tern.directory.file("tern.db"),
                       "SELECT method, sip_code, sip_reason, from_tag <> '', to_tag <> '', callid <> '', time <> '' FROM missed_calls ORDER BY id"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("step 6: calls to an off-line user (480) and to an unknown one (404) are missed calls; the mail goes out for the first")
    func offline() throws {
        let example = try RunningExample("exec-6-acc.cfg", databaseRows: [("jiri", "jiri@example.org")])
        defer { example.stop() }
        let offline = try example.call("jiri", expecting: 480)
        #expect(offline.successfulCalls == 1, "\(offline)\n\(example.tern.standardError.suffix(2000))")
        let unknown = try example.call("ghost", expecting: 404)
        #expect(unknown.successfulCalls == 1, "\(unknown)")
        #expect(try Self.missedCalls(example) == ["INVITE|480|Temporarily Unavailable|1|1|1|1", "INVITE|404|User does not exist|1|1|1|1"],
                "\(example.tern.standardError.suffix(2000))")
        let mails = example.mails()
        #expect(mails.count == 1 && mails[0].hasPrefix("args: [-s] [request for you] [jiri@example.org]"), "\(mails)")
    }

    @Test("step 6: a registered user answering busy: one missed_calls row (486) and the mail from failure_route")
    func busy() throws {
        let example = try RunningExample("exec-6-acc.cfg", databaseRows: [("bob", "bob@example.org")])
        defer { example.stop() }
        let phone = try BusyPhone(user: "bob", server: example.tern)
        defer { phone.stop() }
        let result = try example.call("bob", expecting: 486)
        #expect(result.successfulCalls == 1, "\(result)\n\(example.tern.standardError.suffix(2000))")
        #expect(try Self.missedCalls(example) == ["INVITE|486|Busy Here|1|1|1|1"], "\(example.tern.standardError.suffix(2000))")
        let mails = example.mails()
        #expect(mails.count == 1 && mails[0].hasPrefix("args: [-s] [request for you] [bob@example.org]"), "\(mails)")
    }
}
