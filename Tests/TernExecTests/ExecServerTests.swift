// exec through the real binary: the environment a program receives for the seed's INVITE,
// hostile header values, and time_to_kill with the other worker still answering.
import Foundation
import SIPCore
import TernTestSupport
import Testing

/// Waits for a file the program writes (written under another name and renamed, so a file
/// that exists is complete).
func waitForFile(_ path: String, timeout: Duration = .seconds(10)) -> [UInt8]? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let data = FileManager.default.contents(atPath: path) { return Array(data) }
        usleep(20_000)
    }
    return FileManager.default.contents(atPath: path).map(Array.init)
}

/// True when process `pid` no longer runs (gone, or a zombie waiting for its new parent).
func processEnded(_ pid: Int32, within timeout: Duration = .seconds(5)) -> Bool {
    let deadline = ContinuousClock.now + timeout
    repeat {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        if stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
        usleep(20_000)
    } while ContinuousClock.now < deadline
    return false
}

@Suite("exec in the server", .serialized)
struct ExecServerTests {
    static let header = """
        listen=udp:127.0.0.1:{PORT}
        log_stderror=yes
        children=2
        loadmodule "sl.so"
        loadmodule "exec.so"

        """

    /// The seed's INVITE as printed in "Using exec: Step 2", with a body of the announced length.
    static let seedInvite: [UInt8] = Array(ExecEnvironmentTests.seedInvite.utf8)

    @Test("the program's environment for the seed's INVITE, variable by variable")
    func seedEnvironment() throws {
        let tern = try TernProcess.start(config: Self.header + """
            request_route {
                if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
                exec_msg("env > {DIR}/env.tmp && mv {DIR}/env.tmp {DIR}/env.txt");
                sl_send_reply("480", "Temporarily Unavailable");
            }
            """)
        defer { tern.stop() }
        let endpoint = try tern.client.udp()
        defer { endpoint.close() }
        try endpoint.send(Self.seedInvite, to: tern.port)
        let bytes = try #require(waitForFile(tern.directory.file("env.txt")), "\(tern.standardError)")
        var env: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("SIP_") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            env[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        // The seed's listing, in its order. Where the seed's SER differs from Kamailio 5.6.3
        // (SIP_RURI printed as "iptel.org", SIP_TID from SER's own hash, SIP_SRCIP of the
        // seed's network), the expected value is Kamailio's for the same bytes.
        let expected: [(String, String)] = [
            ("SIP_HF_MAX_FORWARDS", "10"),
            ("SIP_HF_VIA", "SIP/2.0/UDP 195.37.77.100:5040"),
            ("SIP_HF_CSEQ", "2 INVITE"),
            ("SIP_HF_FROM", "\"alice\" <sip:alice@iptel.org>;tag=76ff7a07-c091-4192-84a0-d56e91fe104f"),
            ("SIP_ORUI", "sip:jiri@iptel.org"),
            ("SIP_HF_CONTENT_LENGTH", "451"),
            ("SIP_TID", "1ef44b0bac653925063384bba7cf4ebf"),
            ("SIP_DID", ""),
            ("SIP_RURI", "sip:jiri@iptel.org"),
            ("SIP_HF_TO", "<sip:jiri@iptel.org>"),
            ("SIP_OUSER", "jiri"),
            ("SIP_HF_CALLID", "d10815e0-bf17-4afa-8412-d9130a793d96@213.20.128.35"),
            ("SIP_SRCIP", "127.0.0.1"),
            ("SIP_HF_CONTENT_TYPE", "application/sdp"),
            ("SIP_HF_CONTACT", "<sip:123.20.128.35:9315>"),
        ]
        for (name, value) in expected {
            #expect(env[name] == value, "\(name)")
        }
        #expect(env["SIP_ORURI"] == "sip:jiri@iptel.org")
        #expect(env["SIP_USER"] == "jiri")
        let unexpected = Set(env.keys).subtracting(expected.map(\.0)).subtracting(["SIP_ORURI", "SIP_USER"])
        #expect(unexpected.isEmpty, "variables beyond the seed's and Kamailio's: \(unexpected.sorted())")
    }

    @Test("hostile header values reach the program intact and run nothing")
    func hostileHeaders() throws {
        let tern = try TernProcess.start(config: Self.header + """
            request_route {
                if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
                exec_msg("printf %s \\"$SIP_HF_X_EVIL\\" > {DIR}/evil.txt; printf %s $hdr(X-Evil) > {DIR}/pv.txt; printf %s \\"$SIP_HF_X_BIG\\" > {DIR}/big.txt; printf %s \\"$SIP_HF_X_RAW\\" > {DIR}/raw.txt; printf %s $fn > {DIR}/fn.txt; printf %s '$rU' > {DIR}/ru.txt; touch {DIR}/done");
                sl_send_reply("200", "done");
            }
            """)
        defer { tern.stop() }
        let marker = tern.directory.file("pwned")
        let evil = "$(touch \(marker)); `touch \(marker)`; touch \(marker) | touch \(marker) && touch \(marker) '\"x"
        let big = String(repeating: "$(touch \(marker))", count: 8192 / 18 + 1)
        let endpoint = try tern.client.udp()
        defer { endpoint.close() }
        var builder = SIPRequestBuilder.request(method: "MESSAGE", serverPort: tern.port, clientPort: endpoint.localPort,
                                                transport: "UDP", user: "x;touch$IFS\(marker)&&touch$IFS\(marker)",
                                                callID: uniqueToken("call"), cseq: 1,
                                                extraHeaders: [("X-Evil", evil), ("X-Big", big)])
        builder.set("From", "\"$(touch \(marker))\" <sip:alice@127.0.0.1>;tag=1")
        var bytes = builder.bytes()
        // A header with bytes that are not UTF-8, put in before the blank line.
        let raw: [UInt8] = Array("X-Raw: a".utf8) + [0xff, 0xc3, 0x28, 0x80] + Array("z\r\n".utf8)
        let blank = try #require(Self.headerEnd(bytes))
        bytes.insert(contentsOf: raw, at: blank)
        try endpoint.send(bytes, to: tern.port)
        let reply = try endpoint.receiveReply(timeout: .seconds(10))
        #expect(reply?.statusCode == 200, "\(tern.standardError.suffix(2000))")
        #expect(waitForFile(tern.directory.file("done")) != nil)
        #expect(waitForFile(tern.directory.file("evil.txt")) == Array(evil.utf8))
        #expect(waitForFile(tern.directory.file("pv.txt")) == Array(evil.utf8))
        #expect(waitForFile(tern.directory.file("big.txt")) == Array(big.utf8))
        #expect(waitForFile(tern.directory.file("raw.txt")) == [UInt8(ascii: "a"), 0xff, 0xc3, 0x28, 0x80, UInt8(ascii: "z")])
        #expect(waitForFile(tern.directory.file("fn.txt")) == Array("\"$(touch \(marker))\"".utf8))
        #expect(waitForFile(tern.directory.file("ru.txt")) == Array("x;touch$IFS\(marker)&&touch$IFS\(marker)".utf8))
        #expect(!FileManager.default.fileExists(atPath: marker), "a header value ran a command")
    }

    @Test("quote_pvs=0 is accepted with a warning at start-up")
    func rawSubstitutionWarns() throws {
        let tern = try TernProcess.start(config: Self.header + """
            modparam("exec", "quote_pvs", 0)
            request_route { sl_send_reply("200", "OK"); }
            """)
        let stderr = tern.standardError
        tern.stop()
        #expect(stderr.contains("quote_pvs is 0"), "\(stderr.suffix(2000))")
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 2
        }
        return nil
    }

    @Test("a program that runs on is killed after time_to_kill; the other worker answers meanwhile")
    func timeToKill() throws {
        let tern = try TernProcess.start(config: Self.header + """
            modparam("exec", "time_to_kill", 2)
            request_route {
                if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
                if (!exec_msg("echo $$$$ > {DIR}/pid.tmp; mv {DIR}/pid.tmp {DIR}/sleeper.pid; exec sleep 60")) {
                    sl_send_reply("500", "Program Killed");
                    exit;
                }
                sl_send_reply("200", "OK");
            }
            """)
        defer { tern.stop() }
        let endpoint = try tern.client.udp()
        defer { endpoint.close() }
        let invite = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: endpoint.localPort, user: "sleeper")
        try endpoint.send(invite.bytes(), to: tern.port)
        let pidText = try #require(waitForFile(tern.directory.file("sleeper.pid")), "\(tern.standardError)")
        let pid = Int32(String(decoding: pidText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        // One worker is blocked in the program now; the other keeps answering.
        for _ in 0..<3 {
            #expect(tern.client.ping(timeout: .seconds(1)), "no answer while one worker waits for its program")
        }
        let reply = try endpoint.receiveReply(timeout: .seconds(15)) { $0.statusCode >= 200 }
        #expect(reply?.statusCode == 500, "\(tern.standardError.suffix(2000))")
        #expect(pid > 0 && processEnded(pid), "the program outlived time_to_kill")
        #expect(tern.standardError.contains("time_to_kill"))
        #expect(tern.client.ping(), "the worker is back")
    }
}

@Suite("exec_dset forks through tm", .serialized,
       .enabled(if: modulesNotBuilt("exec-4-stateful.cfg").isEmpty, "waits for tm"))
struct ExecDestinationSetForkTests {
    @Test("a program printing two URIs makes t_relay fork the INVITE to both")
    func forksToBoth() throws {
        let tern = try TernProcess.start(config: ExecServerTests.header + """
            loadmodule "tm.so"
            request_route {
                if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
                if (method == "ACK") { exit; }
                if (!exec_dset("printf '%s\\\\n' \\"$SIP_HF_X_FIRST\\" \\"$SIP_HF_X_SECOND\\"; true")) {
                    sl_send_reply("500", "exec_dset failed");
                    exit;
                }
                t_relay();
            }
            """)
        defer { tern.stop() }
        let first = try tern.client.udp()
        let second = try tern.client.udp()
        let caller = try tern.client.udp()
        defer {
            first.close()
            second.close()
            caller.close()
        }
        let firstURI = "sip:one@127.0.0.1:\(first.localPort)"
        let secondURI = "sip:two@127.0.0.1:\(second.localPort)"
        let invite = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: caller.localPort, user: "fork",
                                              extraHeaders: [(name: "X-First", value: firstURI), (name: "X-Second", value: secondURI)])
        try caller.send(invite.bytes(), to: tern.port)
        for (endpoint, uri) in [(first, firstURI), (second, secondURI)] {
            let bytes = try #require(try endpoint.receive(timeout: .seconds(5)), "no INVITE for \(uri)\n\(tern.standardError.suffix(2000))")
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix("INVITE \(uri) SIP/2.0\r\n"), "\(text.prefix(200))")
        }
    }
}
