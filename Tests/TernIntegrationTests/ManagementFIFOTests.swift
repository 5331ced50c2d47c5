import Foundation
import Testing
import TernTestSupport

/// The seed's FIFO transcripts (serctl fifo uptime / which / foobar) through ternctl and
/// through raw writes as the seed's shell example does; many clients at once; hostile input.
@Suite("Management FIFO", .serialized)
struct ManagementFIFOTests {
    static let uptimeText = #/^Now: \w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}\nUp Since: \w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}\nUp time: \d+ \[sec\]\n$/#

    @Test func ternctlFifoUptimeWhichAndFoobar() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        let options = ["--fifo", server.fifo, "--reply-dir", server.directory]

        let uptime = try server.ternctl(["fifo"] + options + ["uptime"])
        #expect(uptime.status == .exited(0), "\(uptime)")
        #expect(uptime.standardOutput.wholeMatch(of: Self.uptimeText) != nil, "\(uptime)")

        let which = try server.ternctl(["fifo"] + options + ["which"])
        #expect(which.status == .exited(0), "\(which)")
        let names = which.standardOutput.split(separator: "\n").map(String.init)
        // SER's built-in set, in the seed's order, then the rest.
        #expect(Array(names.prefix(5)) == ["ps", "which", "version", "uptime", "print"], "\(which)")
        #expect(names.contains("core.uptime") && names.contains("system.listMethods"))

        let foobar = try server.ternctl(["fifo"] + options + ["foobar"])
        #expect(foobar.standardOutput == "500 command 'foobar' not available\n", "\(foobar)")
        #expect(foobar.status == .exited(1))
    }

    @Test func rawShellWritesAsTheSeed() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        // The seed's serctl request, written with the shell; the reply read with cat.
        let script = """
            mkfifo ser_receiver_1114 && cat ser_receiver_1114 > uptime.out &
            sleep 0.2
            printf ':uptime:ser_receiver_1114\\n\\n' > tern_fifo
            wait
            mkfifo ser_receiver_1115 && cat ser_receiver_1115 > foobar.out &
            sleep 0.2
            printf ':foobar:ser_receiver_1115\\n\\n' > tern_fifo
            wait
            cat uptime.out foobar.out
            """
        let result = try server.shell(script)
        #expect(result.status == .exited(0), "\(result)")
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "200 OK", "\(result)")
        let uptimeBody = lines.dropFirst().prefix(3).joined(separator: "\n") + "\n"
        #expect(uptimeBody.wholeMatch(of: Self.uptimeText) != nil, "\(result)")
        #expect(result.standardOutput.hasSuffix("500 command 'foobar' not available\n"), "\(result)")
    }

    @Test func jsonRPCOnTheFIFO() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        // jsonrpcs's FIFO and mi_fifo's FIFO both take JSON-RPC documents with reply_name.
        for fifo in [server.rpcFIFO, server.fifo] {
            let reply = FIFOClient.exchange(fifo: fifo, replyDirectory: server.directory, replyName: "json_reply",
                                            request: #"{"jsonrpc":"2.0","method":"core.uptime","id":7,"reply_name":"json_reply"}"#)
            let text = try #require(reply, "no reply on \(fifo)")
            #expect(text.contains("\"uptime\":"), "\(text)")
            #expect(text.contains("\"id\":\t7"), "\(text)")
            let unknown = FIFOClient.exchange(fifo: fifo, replyDirectory: server.directory, replyName: "json_reply",
                                              request: #"{"jsonrpc":"2.0","method":"no.such","id":8,"reply_name":"json_reply"}"#)
            #expect(unknown?.contains("Method Not Found") == true, "\(unknown ?? "no reply")")
        }
    }

    @Test func fiftyClientsAtOnceEachGetTheirOwnReply() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        let count = 50
        let replies = Replies(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let request = ":print:client_\(index)\nmessage from client \(index)\n\n"
            replies.set(index, FIFOClient.exchange(fifo: server.fifo, replyDirectory: server.directory,
                                                   replyName: "client_\(index)", request: request))
        }
        for index in 0..<count {
            #expect(replies.get(index) == "200 OK\nmessage from client \(index)\n", "client \(index)")
        }
    }

    @Test func hostileInputIsRefusedAndTheServerKeepsServing() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        let passwd = try FileManager.default.attributesOfItem(atPath: "/etc/passwd")

        // A reply path leaving the reply directory.
        #expect(FIFOClient.write(fifo: server.fifo, Array(":uptime:../../etc/passwd\n\n".utf8)))
        #expect(try awaitLog(server, "reply FIFO name '../../etc/passwd' refused"))
        let after = try FileManager.default.attributesOfItem(atPath: "/etc/passwd")
        #expect(after[.modificationDate] as? Date == passwd[.modificationDate] as? Date)
        #expect(after[.size] as? Int == passwd[.size] as? Int)
        #expect(serves(server), "after the reply path")

        // A 10 MiB request: refused, skipped to its end, answered with an error.
        let big = ":print:big_reply\n" + String(repeating: "x", count: 10 << 20) + "\n\n"
        let tooLarge = FIFOClient.exchange(fifo: server.fifo, replyDirectory: server.directory, replyName: "big_reply", request: big,
                                           timeout: .seconds(20))
        #expect(tooLarge == "400 request too large\n")
        #expect(serves(server), "after the 10 MiB request")

        // A request whose writer never sends the empty line: refused after the idle timeout.
        let unterminated = FIFOClient.exchange(fifo: server.fifo, replyDirectory: server.directory, replyName: "cut_reply",
                                               request: ":print:cut_reply\nno end\n")
        #expect(unterminated == "400 request not terminated by an empty line\n")
        #expect(serves(server), "after the unterminated request")

        // Invalid JSON: a JSON-RPC parse error to the reply FIFO it names.
        let invalid = FIFOClient.exchange(fifo: server.rpcFIFO, replyDirectory: server.directory, replyName: "bad_json",
                                          request: #"{"jsonrpc":"2.0","method":"core.uptime","id":1,"reply_name":"bad_json",}"#)
        #expect(invalid?.contains("\"code\":\t-32700") == true, "\(invalid ?? "no reply")")
        #expect(serves(server), "after invalid JSON")

        // A reply FIFO nobody opens, a regular file and a symlink as reply targets.
        #expect(mkfifo(server.directory + "/nobody_reads", 0o600) == 0)
        #expect(FIFOClient.write(fifo: server.fifo, Array(":uptime:nobody_reads\n\n".utf8)))
        try "keep".write(toFile: server.directory + "/plain_file", atomically: true, encoding: .utf8)
        #expect(FIFOClient.write(fifo: server.fifo, Array(":uptime:plain_file\n\n".utf8)))
        #expect(symlink(server.directory + "/nobody_reads", server.directory + "/link_reply") == 0)
        #expect(FIFOClient.write(fifo: server.fifo, Array(":uptime:link_reply\n\n".utf8)))
        #expect(try awaitLog(server, "reply path \(server.directory)/plain_file refused"))
        #expect(try awaitLog(server, "reply path \(server.directory)/link_reply refused"))
        #expect(try String(contentsOfFile: server.directory + "/plain_file", encoding: .utf8) == "keep")
        #expect(serves(server), "after the unread, plain and symlinked reply targets")
        #expect(server.tern.isRunning)
    }

    @Test func coreFifoGlobalAsSER() throws {
        let config = """
            #!KAMAILIO
            listen=udp:127.0.0.1:{PORT}
            children=1
            fifo="{DIR}/ser_fifo"
            fifo_dir="{DIR}/"
            loadmodule "sl.so"
            request_route { sl_send_reply("200", "OK"); }

            """
        let server = try ManagementServer(tern: TernProcess.start(config: config))
        defer { server.stop() }
        let result = try server.ternctl(["fifo", "--fifo", server.directory + "/ser_fifo", "--reply-dir", server.directory, "version"])
        #expect(result.status == .exited(0), "\(result)")
        #expect(result.standardOutput.hasPrefix("Server: tern "), "\(result)")
    }

    /// The server answers a plain request on its FIFO.
    private func serves(_ server: ManagementServer) -> Bool {
        FIFOClient.exchange(fifo: server.fifo, replyDirectory: server.directory, replyName: "probe",
                            request: ":print:probe\nstill here\n\n") == "200 OK\nstill here\n"
    }

    private func awaitLog(_ server: ManagementServer, _ text: String) throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if server.tern.standardError.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}

/// Replies collected from concurrent clients.
final class Replies: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: String?) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return values[index]
    }
}
