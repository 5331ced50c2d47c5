// exec_msg, exec_dset, exec_avp and exec_cmd run from compiled routes on real messages (in
// process), with real programs: return values, output handling, environment, quoting, limits.
import Foundation
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite("exec functions", .serialized)
struct ExecFunctionTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "tern-exec-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func script(_ routes: String, parameters: String = "") throws -> ScriptTestHarness {
        let text = """
            loadmodule "exec.so"
            loadmodule "pv.so"
            \(parameters)
            \(routes)
            """
        switch ScriptTestHarness.load(text) {
        case .success(let h): return h
        case .failure(let list): throw ConfigFailed(text: "\(list)")
        }
    }

    struct ConfigFailed: Error, CustomStringConvertible { var text: String; var description: String { text } }

    static func invite(from displayName: String = "alice", user: String = "jiri", extraHeaders: String = "") throws -> SIPMessage {
        try SIPMessage.parse(Array("""
            INVITE sip:\(user)@iptel.org SIP/2.0\r
            Via: SIP/2.0/UDP 195.37.77.100:5040;branch=z9hG4bK77\r
            Max-Forwards: 10\r
            From: "\(displayName)" <sip:alice@iptel.org>;tag=76ff\r
            To: <sip:\(user)@iptel.org>\r
            Call-ID: d108@213.20.128.35\r
            CSeq: 2 INVITE\r
            \(extraHeaders)Content-Length: 0\r
            \r

            """.utf8))
    }

    func file(_ name: String) -> String { directory + "/" + name }
    func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }

    @Test("exec_msg: the request on standard input, true on exit 0, false otherwise")
    func execMessage() throws {
        let h = try script("""
            request_route {
                if (exec_msg("cat > \(file("in.txt"))")) { $var(a) = 1; }
                if (!exec_msg("exit 3")) { $var(b) = 1; }
                if (!exec_msg("kill -9 $$$$")) { $var(c) = 1; }
            }
            """)
        let message = try Self.invite()
        let run = h.run(message)
        #expect(run.variable("a") == .int(1))
        #expect(run.variable("b") == .int(1))
        #expect(run.variable("c") == .int(1), "a program killed by a signal makes the function false")
        #expect(read("in.txt") == String(decoding: message.bytes, as: UTF8.self))
    }

    @Test("exec_msg: the seed's $SIP_HF_FROM line runs as printed")
    func seedStepTwo() throws {
        let h = try script("""
            request_route {
                exec_msg("echo request received from $SIP_HF_FROM > \(file("mail.txt"))");
            }
            """)
        _ = h.run(try Self.invite())
        #expect(read("mail.txt") == "request received from \"alice\" <sip:alice@iptel.org>;tag=76ff\n")
    }

    @Test("exec_msg: a hostile display name is text, not commands")
    func quotedPseudoVariable() throws {
        let marker = file("pwned")
        let h = try script("""
            request_route {
                exec_msg("printf %s $fn > \(file("fn.txt"))");
            }
            """)
        let hostile = "$(touch \(marker))`touch \(marker)`; touch \(marker)"
        _ = h.run(try Self.invite(from: hostile))
        #expect(read("fn.txt") == "\"\(hostile)\"")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("quote_pvs=0 substitutes raw, as Kamailio does")
    func rawSubstitution() throws {
        let h = try script("""
            request_route {
                exec_msg("echo $rU > \(file("raw.txt"))");
            }
            """, parameters: "modparam(\"exec\", \"quote_pvs\", 0)")
        _ = h.run(try Self.invite(user: "a*b"))
        // Unquoted, the shell would glob; with no match it keeps the word, so compare the command.
        #expect(read("raw.txt") == "a*b\n")
    }

    @Test("a pseudo-variable right after a backslash is refused while quoting")
    func unsafePlacement() {
        switch ScriptTestHarness.load("""
            loadmodule "exec.so"
            request_route { exec_msg("echo \\\\$rU"); }
            """) {
        case .success: Issue.record("config loaded")
        case .failure(let list): #expect("\(list)".contains("cannot be quoted safely"), "\(list)")
        }
    }

    @Test("exec_dset: the R-URI as last argument; first line the new R-URI, others branches")
    func destinationSet() throws {
        let h = try script("""
            request_route {
                if (exec_dset("printf 'sip:a@one.example\\\\n\\\\n  \\\\nsip:b@two.example  \\\\r\\\\n' ; echo > \(file("arg.txt"))")) { $var(ok) = 1; }
            }
            """)
        let run = h.run(try Self.invite())
        #expect(run.variable("ok") == .int(1))
        #expect(run.newRequestURI == "sip:a@one.example")
        #expect(run.context.branches.map(\.uri) == ["sip:b@two.example"])
        #expect(read("arg.txt") == "sip:jiri@iptel.org\n")
    }

    @Test("exec_dset: no output is a failure and leaves the R-URI")
    func destinationSetEmpty() throws {
        let h = try script("""
            request_route { if (!exec_dset("true")) { $var(failed) = 1; } }
            """)
        let run = h.run(try Self.invite())
        #expect(run.variable("failed") == .int(1))
        #expect(run.newRequestURI == nil)
    }

    @Test("exec_avp: numbered AVPs by default, named ones from the list, the rest numbered")
    func avps() throws {
        let h = try script("""
            request_route {
                exec_avp("printf 'one\\\\ntwo\\\\n'");
                $var(n1) = $avp(i:1); $var(n2) = $avp(i:2);
                exec_avp("printf 'x\\\\ny\\\\nz\\\\n'", "$avp(first); $avp(s:second)");
                $var(a) = $avp(first); $var(b) = $avp(second); $var(c) = $avp(i:3);
            }
            """)
        let run = h.run(try Self.invite())
        #expect(run.variable("n1") == .string("one"))
        #expect(run.variable("n2") == .string("two"))
        #expect(run.variable("a") == .string("x"))
        #expect(run.variable("b") == .string("y"))
        #expect(run.variable("c") == .string("z"))
    }

    @Test("exec_avp: a list item that is not an AVP is a config error")
    func avpListError() {
        switch ScriptTestHarness.load("""
            loadmodule "exec.so"
            request_route { exec_avp("echo", "$var(x)"); }
            """) {
        case .success: Issue.record("config loaded")
        case .failure(let list): #expect("\(list)".contains("is not an AVP"), "\(list)")
        }
    }

    @Test("exec_cmd: waits and returns the exit status as true/false, no SIP variables")
    func command() throws {
        let h = try script("""
            request_route {
                if (exec_cmd("env > \(file("cmd-env.txt"))")) { $var(ok) = 1; }
                if (!exec_cmd("exit 4")) { $var(failed) = 1; }
            }
            """)
        let run = h.run(try Self.invite())
        #expect(run.variable("ok") == .int(1))
        #expect(run.variable("failed") == .int(1))
        let env = try #require(read("cmd-env.txt"))
        #expect(!env.contains("SIP_HF_"))
    }

    @Test("exec_cmd with a trailing & returns at once; the program goes on without the worker")
    func backgroundCommand() throws {
        let h = try script("""
            request_route {
                if (exec_cmd("sleep 30 & echo $$! > \(file("bg.pid"))")) { $var(ok) = 1; }
            }
            """)
        let started = ContinuousClock.now
        let run = h.run(try Self.invite())
        #expect(run.variable("ok") == .int(1))
        #expect(ContinuousClock.now - started < .seconds(20))
        let pid = Int32((read("bg.pid") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0)
        if pid > 0 { kill(pid, SIGKILL) }
    }

    @Test("setvars=0: no SIP variables")
    func noVariables() throws {
        let h = try script("""
            request_route { exec_msg("env > \(file("env.txt"))"); }
            """, parameters: "modparam(\"exec\", \"setvars\", 0)")
        _ = h.run(try Self.invite())
        let env = try #require(read("env.txt"))
        #expect(!env.contains("SIP_HF_FROM"))
    }

    @Test("time_to_kill ends a program that would run on, and what it started")
    func timeToKill() throws {
        let h = try script("""
            request_route {
                if (!exec_msg("sleep 30 & echo $$! > \(file("bg.pid")); sleep 30")) { $var(killed) = 1; }
            }
            """, parameters: "modparam(\"exec\", \"time_to_kill\", 1)")
        let started = ContinuousClock.now
        let run = h.run(try Self.invite())
        #expect(run.variable("killed") == .int(1))
        #expect(ContinuousClock.now - started < .seconds(20))
        let pid = Int32((read("bg.pid") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0)
        // The background sleep was in the killed process group: gone, or a zombie waiting for
        // whoever inherited it.
        var gone = false
        for _ in 0..<100 where !gone {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            gone = stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z"
            if !gone { usleep(20_000) }
        }
        #expect(gone, "the program's background child survived")
    }

    @Test("a program that never reads its input and one that writes megabytes do not block")
    func pipesNeverBlock() {
        let big = [UInt8](repeating: UInt8(ascii: "m"), count: 4 << 20)
        let unread = ChildProgram.run(ChildProgramRequest(command: Array("exit 0".utf8), environment: [], input: big))
        #expect(unread.ending == .exited(0))
        #expect(unread.inputDropped)
        let flood = ChildProgram.run(ChildProgramRequest(
            command: Array("head -c 8000000 /dev/zero".utf8), environment: [Array("PATH=/usr/bin:/bin".utf8)],
            input: nil, capturesOutput: true))
        #expect(flood.ending == .exited(0))
        #expect(flood.output.count == ChildProgram.defaultOutputLimit)
        #expect(flood.outputTruncated)
        let endless = ChildProgram.run(ChildProgramRequest(
            command: Array("yes".utf8), environment: [Array("PATH=/usr/bin:/bin".utf8)], input: nil, capturesOutput: true,
            drainLimit: 4 << 20))
        // The shell reports its command's death by SIGPIPE as status 128 + 13, or dies of it itself.
        #expect(endless.ending == .signaled(SIGPIPE) || endless.ending == .exited(128 + SIGPIPE),
                "a program writing without end is cut off at the drain limit: \(endless.ending)")
    }
}
