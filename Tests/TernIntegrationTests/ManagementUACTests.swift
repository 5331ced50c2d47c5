import Foundation
import Testing
import TernTestSupport

/// Requests started from outside through tm's UAC: the seed's send_im.sh and ctd.sh against
/// SIPp user agents, and ternctl im / ctd.
@Suite("Management UAC: send_im.sh, ctd.sh, ternctl im and ctd", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed"))
struct ManagementUACTests {
    static let config = ManagementServer.config(
        extraModules: "loadmodule \"tm.so\"",
        extraParameters: "modparam(\"mi_fifo\", \"fifo_name\", \"{DIR}/ser_fifo\")")

    /// A SIPp user agent server on its own port, answering one call of `scenario`.
    final class UserAgent {
        let port: UInt16
        let child: ChildProcess
        let directory: TemporaryDirectory

        init(_ scenario: String) throws {
            port = try FreePort.udp()
            directory = try TemporaryDirectory(prefix: "sipp-uas")
            child = try ChildProcess(
                executable: SIPpRunner.executable ?? "sipp",
                arguments: ["-sf", PackagePaths.scenarios + "/" + scenario, "-i", "127.0.0.1", "-p", String(port),
                            "-m", "1", "-nostdin", "-trace_msg", "-message_file", directory.file("messages.log")],
                workingDirectory: directory.path,
                stdoutPath: directory.file("stdout"), stderrPath: directory.file("stderr"))
        }

        /// SIPp's exit status once its call ended (0: the scenario ran as written).
        func finish(timeout: Duration = .seconds(10)) -> TernTestSupport.ExitStatus {
            child.wait(timeout: timeout) ?? child.terminate(signal: SIGKILL).status
        }

        var messages: String { (try? String(contentsOfFile: directory.file("messages.log"), encoding: .utf8)) ?? "" }
    }

    @Test func sendIMScriptDeliversAndTheReplyFIFOGetsThe200() throws {
        let server = try ManagementServer.start(Self.config)
        defer { server.stop() }
        let agent = try UserAgent("mgmt-uas-im.xml")
        // The seed's script, pointed at this server's FIFO and the agent's port.
        let script = try String(contentsOfFile: PackagePaths.root + "/examples/send_im.sh", encoding: .utf8)
            .replacingOccurrences(of: "/tmp/ser_fifo", with: server.directory + "/ser_fifo")
            .replacingOccurrences(of: "sip:receiver@127.0.0.1", with: "sip:receiver@127.0.0.1:\(agent.port)")
        try script.write(toFile: server.directory + "/send_im.sh", atomically: true, encoding: .utf8)
        let result = try server.shell("""
            mkfifo hh && cat hh > hh.out &
            sleep 0.2
            sh ./send_im.sh from the test
            wait
            cat hh.out
            """)
        #expect(result.standardOutput.hasPrefix("200 OK\n"), "\(result)")
        #expect(agent.finish() == .exited(0), "\(agent.messages)")
        #expect(agent.messages.contains("Hello world!!!! from the test"), "\(agent.messages)")
    }

    @Test func tUacFromAsTheTMModuleAPIShowsIt() throws {
        let server = try ManagementServer.start(Self.config)
        defer { server.stop() }
        let agent = try UserAgent("mgmt-uas-im.xml")
        // examples/t_uac_from.fifo (seed 003), sent to the agent; the report is the final status line.
        let request = try String(contentsOfFile: PackagePaths.root + "/examples/t_uac_from.fifo", encoding: .utf8)
            .replacingOccurrences(of: ":t_uac_from:xxx", with: ":t_uac_from:uac_from_reply")
            .replacingOccurrences(of: "sip:mrx@iptel.org", with: "sip:mrx@127.0.0.1:\(agent.port)")
        let report = FIFOClient.exchange(fifo: server.directory + "/ser_fifo", replyDirectory: server.directory,
                                         replyName: "uac_from_reply", request: request)
        #expect(report == "200 OK\n")
        #expect(agent.finish() == .exited(0), "\(agent.messages)")
        #expect(agent.messages.contains("body body body\r\nyet body\r\nend of body"), "\(agent.messages)")
        #expect(agent.messages.contains("From: <sip:sender@iptel.org>"), "\(agent.messages)")
    }

    @Test func ctdScriptRunsTheSeedsFlow() throws {
        let server = try ManagementServer.start(Self.config)
        defer { server.stop() }
        let caller = try UserAgent("mgmt-uas-ctd-caller.xml")
        let result = try server.shell("""
            FIFO=ser_fifo REPLY_DIR="$PWD" CONTROLLER=sip:controller@127.0.0.1 \
            sh "\(PackagePaths.root)/examples/ctd.sh" sip:callee@127.0.0.1 sip:caller@127.0.0.1:\(caller.port)
            """)
        #expect(result.standardOutput == "invitation succeeded\nrefer succeeded\nbye succeeded\n", "\(result)")
        #expect(caller.finish() == .exited(0), "\(caller.messages)")
    }

    @Test func ternctlIMAndCTD() throws {
        let server = try ManagementServer.start(Self.config)
        defer { server.stop() }
        let receiver = try UserAgent("mgmt-uas-im.xml")
        let im = try server.ternctl(["im", "--socket", server.socket, "sip:alice@127.0.0.1", "sip:bob@127.0.0.1:\(receiver.port)", "hello bob"])
        #expect(im.standardOutput == "200 OK\n", "\(im)")
        #expect(receiver.finish() == .exited(0), "\(receiver.messages)")
        #expect(receiver.messages.contains("hello bob"))

        let caller = try UserAgent("mgmt-uas-ctd-caller.xml")
        let ctd = try server.ternctl(["ctd", "--socket", server.socket, "--controller", "sip:controller@127.0.0.1",
                                      "sip:caller@127.0.0.1:\(caller.port)", "sip:callee@127.0.0.1"])
        #expect(ctd.standardOutput == "invitation succeeded\nrefer succeeded\nbye succeeded\n", "\(ctd)")
        #expect(caller.finish() == .exited(0), "\(caller.messages)")
    }
}
