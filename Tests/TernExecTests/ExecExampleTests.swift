// The seed's missed-call service, examples/exec-1 … exec-5, run as written and driven with
// SIPp. A stand-in `mail` first on the server's PATH records each call (arguments and
// standard input) as a file, so the tests count and read the notifications.
import Foundation
import SIPCore
import TernTestSupport
import Testing

/// One example running, with the stand-in mail installed.
struct RunningExample {
    let tern: TernProcess
    var mailDirectory: String { tern.directory.file("mail") }

    /// Starts examples/`name`; `mailDelay` makes the stand-in mail take that long (seconds).
    init(_ name: String, mailDelay: String = "0", databaseRows: [(user: String, email: String)]? = nil,
         environment: [String: String] = [:]) throws {
        let config = try String(contentsOfFile: PackagePaths.root + "/examples/" + name, encoding: .utf8)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        tern = try TernProcess.start(config: config, arguments: ["-A", "LISTEN_PORT={PORT}"],
                                     environment: environment.merging(["PATH": "{DIR}/bin:" + path]) { $1 })
        let fm = FileManager.default
        try fm.createDirectory(atPath: tern.directory.file("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: mailDirectory, withIntermediateDirectories: true)
        let mail = tern.directory.file("bin/mail")
        try """
            #!/bin/sh
            # Stand-in for mail(1): one file per call with the arguments and standard input.
            sleep \(mailDelay)
            out="\(mailDirectory)/mail.$$"
            { printf 'args:'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; cat; } > "$out.tmp"
            mv "$out.tmp" "$out"

            """.write(toFile: mail, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: mail)
        // The examples name their notifier by a path relative to where Tern runs.
        try fm.createDirectory(atPath: tern.directory.file("examples"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: PackagePaths.root + "/examples/exec-missed-call.sh",
                        toPath: tern.directory.file("examples/exec-missed-call.sh"))
        if let rows = databaseRows { try Self.makeSubscribers(tern.directory.file("tern.db"), rows) }
    }

    /// A subscriber table as Kamailio's, plus the e-mail column SER had.
    static func subscriberSQL(_ rows: [(user: String, email: String)], autoincrement: String = "AUTOINCREMENT") -> String {
        var sql = """
            CREATE TABLE subscriber (id INTEGER PRIMARY KEY \(autoincrement), username VARCHAR(64) NOT NULL DEFAULT '',
              domain VARCHAR(64) NOT NULL DEFAULT '', password VARCHAR(64) NOT NULL DEFAULT '',
              ha1 VARCHAR(128) NOT NULL DEFAULT '', ha1b VARCHAR(128) NOT NULL DEFAULT '',
              email_address VARCHAR(128) NOT NULL DEFAULT '');

            """
        for row in rows {
            sql += "INSERT INTO subscriber (username, domain, email_address) VALUES ('\(row.user)', '127.0.0.1', '\(row.email)');\n"
        }
        return sql
    }

    static func makeSubscribers(_ path: String, _ rows: [(user: String, email: String)]) throws {
        try runTool("/usr/bin/sqlite3", [path, subscriberSQL(rows)])
    }

    static func runTool(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ExampleSetupError(text: "\(tool) failed") }
    }

    struct ExampleSetupError: Error { var text: String }

    /// The recorded notifications, oldest first.
    func mails() -> [String] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: mailDirectory)) ?? []).filter { !$0.hasSuffix(".tmp") }
        let paths = names.map { mailDirectory + "/" + $0 }
        let dated = paths.map { p in (p, (try? fm.attributesOfItem(atPath: p)[.modificationDate] as? Date) ?? .distantPast) }
        return dated.sorted { $0.1 < $1.1 }.compactMap { try? String(contentsOfFile: $0.0, encoding: .utf8) }
    }

    /// One SIPp call of `scenario` to `user`.
    func call(_ user: String, expecting code: Int) throws -> SIPpResult {
        var sipp = SIPpRunner(scenario: "exec-invite-\(code).xml", serverPort: tern.port, calls: 1, rate: 1,
                              timeout: .seconds(15))
        sipp.extraArguments = ["-s", user]
        return try sipp.run()
    }

    func stop() { tern.stop() }
}

/// Modules `tern -c` reports as not built yet for an example (empty when it passes).
func modulesNotBuilt(_ example: String) -> Set<String> {
    guard let result = try? TernProcess.run(arguments: ["-c", "-f", "examples/" + example],
                                            workingDirectory: PackagePaths.root)
    else { return ["tern"] }
    var missing = Set<String>()
    for line in (result.standardError + "\n" + result.standardOutput).split(separator: "\n") {
        guard let start = line.range(of: ": error: module '"),
            let end = line.range(of: "' is not built into Tern yet", range: start.upperBound..<line.endIndex)
        else { continue }
        missing.insert(String(line[start.upperBound..<end.lowerBound]))
    }
    return missing
}

@Suite("exec examples (the seed's missed-call service)", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed"))
struct ExecExampleTests {
    @Test("step 1: a mail for calls to jiri, none for others")
    func stepOne() throws {
        let example = try RunningExample("exec-1-oneliner.cfg")
        defer { example.stop() }
        let toJiri = try example.call("jiri", expecting: 480)
        #expect(toJiri.successfulCalls == 1, "\(toJiri)\n\(example.tern.standardError.suffix(2000))")
        let toBob = try example.call("bob", expecting: 480)
        #expect(toBob.successfulCalls == 1, "\(toBob)")
        let mails = example.mails()
        #expect(mails == ["args: [-s] [call for you] [jiri]\nbody: call arrived\n"])
    }

    @Test("step 2: the mail says who called ($SIP_HF_FROM)")
    func stepTwo() throws {
        let example = try RunningExample("exec-2-caller.cfg")
        defer { example.stop() }
        let result = try example.call("jiri", expecting: 480)
        #expect(result.successfulCalls == 1, "\(result)\n\(example.tern.standardError.suffix(2000))")
        let mails = example.mails()
        try #require(mails.count == 1, "\(mails)")
        #expect(mails[0].hasPrefix("args: [-s] [request for you] [jiri]\nrequest received from \"sipp\" <sip:caller@127.0.0.1:"))
        #expect(mails[0].contains(";tag="))
    }

    @Test("step 3: the address from the subscriber table (SQLite); 404 for a user without one")
    func stepThree() throws {
        let example = try RunningExample("exec-3-anyone.cfg", databaseRows: [("jiri", "jiri@example.org"), ("nomail", "")])
        defer { example.stop() }
        let known = try example.call("jiri", expecting: 600)
        #expect(known.successfulCalls == 1, "\(known)\n\(example.tern.standardError.suffix(2000))")
        for user in ["ghost", "nomail", "x'or'1'='1"] {
            let unknown = try example.call(user, expecting: 404)
            #expect(unknown.successfulCalls == 1, "\(user): \(unknown)")
        }
        let mails = example.mails()
        try #require(mails.count == 1, "\(mails)")
        #expect(mails[0].hasPrefix("args: [-s] [request for you] [jiri@example.org]\nSIP request received from \"sipp\" <sip:caller@"))
        #expect(mails[0].hasSuffix(" for jiri\n"))
    }

    @Test("step 3 with the seed's MySQL: the same lookup in MariaDB",
          .enabled(if: DatabaseTestServer.unavailableReason(.mariadb) == nil
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/mysql"), "MariaDB is not installed"))
    func stepThreeMySQL() throws {
        let server = try DatabaseTestServer.start(.mariadb)
        defer { server.stop() }
        try RunningExample.runTool("/usr/bin/mysql", [
            "-h", "127.0.0.1", "-P", String(server.port), "-u", "root", "-e",
            "CREATE DATABASE IF NOT EXISTS tern; USE tern; "
                + RunningExample.subscriberSQL([("jiri", "jiri@example.org")], autoincrement: "AUTO_INCREMENT"),
        ])
        let example = try RunningExample("exec-3-anyone.cfg", environment: [
            "MISSED_CALL_DB": "mysql", "MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": String(server.port),
            "MYSQL_USER": "root", "MYSQL_DATABASE": "tern",
        ])
        defer { example.stop() }
        let known = try example.call("jiri", expecting: 600)
        #expect(known.successfulCalls == 1, "\(known)\n\(example.tern.standardError.suffix(2000))")
        let unknown = try example.call("ghost", expecting: 404)
        #expect(unknown.successfulCalls == 1, "\(unknown)")
        let mails = example.mails()
        #expect(mails.count == 1 && mails[0].hasPrefix("args: [-s] [request for you] [jiri@example.org]"), "\(mails)")
    }

    @Test("step 4: one mail per call, however many retransmissions arrive",
          .enabled(if: modulesNotBuilt("exec-4-stateful.cfg").isEmpty, "waits for tm"))
    func stepFour() throws {
        // The mail takes 1.3 s, so SIPp retransmits the INVITE (every 500 ms) before the reply.
        let example = try RunningExample("exec-4-stateful.cfg", mailDelay: "1.3", databaseRows: [("jiri", "jiri@example.org")])
        defer { example.stop() }
        let result = try example.call("jiri", expecting: 600)
        #expect(result.successfulCalls == 1, "\(result)\n\(example.tern.standardError.suffix(2000))")
        #expect(result.retransmissions >= 1, "SIPp did not retransmit: \(result)")
        // The same INVITE again, byte for byte, after the reply: tm answers it, no new mail.
        let endpoint = try example.tern.client.udp()
        defer { endpoint.close() }
        var invite = SIPRequestBuilder.invite(serverPort: example.tern.port, clientPort: endpoint.localPort, user: "jiri")
        invite.set("From", "\"raw\" <sip:raw@127.0.0.1>;tag=raw1")
        for _ in 0..<3 {
            try endpoint.send(invite.bytes(), to: example.tern.port)
            let reply = try endpoint.receiveReply(timeout: .seconds(5)) { $0.statusCode >= 200 }
            #expect(reply?.statusCode == 600)
        }
        #expect(example.mails().count == 2, "\(example.mails())")
    }

    @Test("step 5: a mail for a call to an off-line user; 404 for an unknown one",
          .enabled(if: modulesNotBuilt("exec-5-full.cfg").isEmpty, "waits for tm, usrloc, registrar"))
    func stepFive() throws {
        let example = try RunningExample("exec-5-full.cfg", databaseRows: [("jiri", "jiri@example.org")])
        defer { example.stop() }
        let offline = try example.call("jiri", expecting: 480)
        #expect(offline.successfulCalls == 1, "\(offline)\n\(example.tern.standardError.suffix(2000))")
        let unknown = try example.call("ghost", expecting: 404)
        #expect(unknown.successfulCalls == 1, "\(unknown)")
        let mails = example.mails()
        #expect(mails.count == 1 && mails[0].hasPrefix("args: [-s] [request for you] [jiri@example.org]"), "\(mails)")
    }

    @Test("step 5: a call to a registered user that answers busy goes through failure_route and mails",
          .enabled(if: modulesNotBuilt("exec-5-full.cfg").isEmpty, "waits for tm, usrloc, registrar"))
    func stepFiveBusy() throws {
        let example = try RunningExample("exec-5-full.cfg", databaseRows: [("bob", "bob@example.org")])
        defer { example.stop() }
        let phone = try BusyPhone(user: "bob", server: example.tern)
        defer { phone.stop() }
        let result = try example.call("bob", expecting: 486)
        #expect(result.successfulCalls == 1, "\(result)\n\(example.tern.standardError.suffix(2000))")
        #expect(phone.invites >= 1)
        let mails = example.mails()
        #expect(mails.count == 1 && mails[0].hasPrefix("args: [-s] [request for you] [bob@example.org]"), "\(mails)")
    }
}

/// A registered user agent that answers every INVITE with 486 Busy Here (and takes the ACK).
final class BusyPhone: @unchecked Sendable {
    private let endpoint: UDPEndpoint
    private let serverPort: UInt16
    private let lock = NSLock()
    private var running = true
    private var inviteCount = 0
    private var thread: Thread?

    var invites: Int { lock.withLock { inviteCount } }

    init(user: String, server: TernProcess) throws {
        endpoint = try server.client.udp()
        serverPort = server.port
        var register = SIPRequestBuilder.request(method: "REGISTER", serverPort: server.port, clientPort: endpoint.localPort,
                                                 transport: "UDP", user: user, callID: uniqueToken("reg"), cseq: 1,
                                                 extraHeaders: [(name: "Contact", value: "<sip:\(user)@127.0.0.1:\(endpoint.localPort)>"),
                                                                (name: "Expires", value: "60")])
        register.requestURI = "sip:127.0.0.1:\(server.port)"
        register.set("From", "<sip:\(user)@127.0.0.1:\(server.port)>;tag=\(uniqueToken("r"))")
        try endpoint.send(register.bytes(), to: server.port)
        guard let reply = try endpoint.receiveReply(timeout: .seconds(5)), reply.statusCode == 200 else {
            throw RunningExample.ExampleSetupError(text: "REGISTER was not accepted")
        }
        let thread = Thread { [self] in answer() }
        self.thread = thread
        thread.start()
    }

    private func answer() {
        while lock.withLock({ running }) {
            guard let bytes = try? endpoint.receive(timeout: .milliseconds(200)),
                let request = try? SIPMessage.parse(bytes), request.kind == .request, request.methodIs(.invite)
            else { continue }
            lock.withLock { inviteCount += 1 }
            // 486 with every Via, From, To (plus a tag), Call-ID and CSeq of the request.
            var reply = Array("SIP/2.0 486 Busy Here\r\n".utf8)
            for field in request.headers where [.via, .from, .callID, .cseq, .to].contains(field.name) {
                reply += Array(request.bytes[field.nameRange]) + Array(": ".utf8) + Array(request.bytes[field.valueRange])
                if field.name == .to { reply += Array(";tag=busy1".utf8) }
                reply += Array("\r\n".utf8)
            }
            reply += Array("Content-Length: 0\r\n\r\n".utf8)
            try? endpoint.send(reply, to: serverPort)
        }
    }

    func stop() {
        lock.withLock { running = false }
        while thread?.isFinished == false { usleep(10_000) }
        endpoint.close()
    }
}
