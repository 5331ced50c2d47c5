// Register then call: a SIPp UAS registers its address (by a REGISTER sent for it), a SIPp UAC
// calls the AOR, and lookup("location") + t_relay() bring the INVITE, ACK and BYE to the UAS.
import Foundation
import Testing
import TernTestSupport

@Suite("Register then call", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct RegisterThenCallTests {
    static let config = """
        #!KAMAILIO
        debug=-1
        log_stderror=yes
        children=2
        listen=udp:127.0.0.1:{PORT}

        loadmodule "tm.so"
        loadmodule "sl.so"
        loadmodule "rr.so"
        loadmodule "pv.so"
        loadmodule "siputils.so"
        loadmodule "usrloc.so"
        loadmodule "registrar.so"

        request_route {
            if (method == "REGISTER") {
                if (!save("location")) { sl_reply_error(); }
                exit;
            }
            if (has_totag()) {
                if (loose_route() || method == "ACK") { t_relay(); }
                exit;
            }
            if ($rU == "ping" || $rU == $null) { sl_send_reply("200", "OK"); exit; }
            if (method == "ACK") { exit; }
            record_route();
            $var(rc) = lookup("location");
            if ($var(rc) < 0) {
                sl_send_reply("404", "Not Found $var(rc)");
                exit;
            }
            t_relay();
        }
        """

    @Test("lookup() routes the call to the registered UAS")
    func callReachesTheRegisteredUAS() throws {
        guard let sipp = SIPpRunner.executable else { return }
        let tern = try TernProcess.start(config: Self.config)
        defer { tern.stop() }
        let uasPort = try FreePort.udp()
        let work = try TemporaryDirectory(prefix: "tern-uas")
        let uas = try ChildProcess(
            executable: sipp,
            arguments: [
                "-sf", PackagePaths.shared + "/bench/scenarios/uas-call.xml", "-i", "127.0.0.1", "-p", String(uasPort),
                "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error",
                "-cp", String(try FreePort.udp()), "-mi", "127.0.0.1", "-mp", String(try FreePort.udp()),
            ],
            workingDirectory: work.path, stdoutPath: work.file("stdout.log"), stderrPath: work.file("stderr.log"))
        defer { _ = uas.terminate(signal: SIGINT, grace: .seconds(2)) }

        let registered = try tern.client.exchangeUDP { clientPort in
            var request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: clientPort, user: "bob")
            request.method = "REGISTER"
            request.requestURI = "sip:127.0.0.1:\(tern.port)"
            request.headers = request.headers.map { header in
                if header.name == "CSeq" { return (name: "CSeq", value: "1 REGISTER") }
                if header.name == "From" { return (name: "From", value: "<sip:bob@127.0.0.1>;tag=reg1") }
                if header.name == "To" { return (name: "To", value: "<sip:bob@127.0.0.1>") }
                return header
            }
            request.headers.append((name: "Contact", value: "<sip:bob@127.0.0.1:\(uasPort)>"))
            return request
        }
        #expect(registered?.statusCode == 200, "\(String(describing: registered))")

        var uac = SIPpRunner(scenario: "../../../shared/bench/scenarios/uac-call.xml", serverPort: tern.port, calls: 1, rate: 1,
                             timeout: .seconds(15))
        uac.extraArguments = ["-s", "bob"]
        let result = try uac.run()
        #expect(result.successfulCalls == 1, "\(result)\ntern stderr:\n\(tern.standardError.suffix(2000))")
        let status = uas.wait(timeout: .seconds(10))
        #expect(status == .exited(0), "UAS: \(String(describing: status))\n\(uas.standardError)")
    }
}
