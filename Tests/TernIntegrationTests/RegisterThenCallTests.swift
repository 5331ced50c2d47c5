// Register then call: a SIPp UAS registers its address (by a REGISTER sent for it), a SIPp UAC
// calls the AOR, and lookup("location") + t_relay() bring the INVITE, ACK and BYE to the UAS.
import Foundation
import Testing
import TernTestSupport

@Suite("Register then call", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct RegisterThenCallTests {
    static let config = config(usrlocParameters: "")

    static func config(usrlocParameters: String) -> String {
        TestConfigHead.udp(loading: ["tm", "sl", "rr", "pv", "siputils", "usrloc", "registrar"]) + """
        \(usrlocParameters)

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
    }

    @Test("lookup() routes the call to the registered UAS")
    func callReachesTheRegisteredUAS() throws {
        let tern = try TernProcess.start(config: Self.config)
        defer { tern.stop() }
        try registerThenCall(registrar: tern, proxy: tern)
    }

    @Test("db_mode 3 on PostgreSQL: registered on one node, called through another",
          .enabled(if: DatabaseTestServer.unavailableReason(.postgres) == nil, "PostgreSQL server binaries not installed"))
    func twoNodesShareOnePostgreSQL() throws {
        let database = try DatabaseTestServer.start(.postgres)
        defer { database.stop() }
        let parameters = """
            modparam("usrloc", "db_mode", 3)
            modparam("usrloc", "db_url", "\(database.url)")
            """
        let first = try TernProcess.start(config: Self.config(usrlocParameters: parameters))
        defer { first.stop() }
        let second = try TernProcess.start(config: Self.config(usrlocParameters: parameters))
        defer { second.stop() }
        try registerThenCall(registrar: first, proxy: second)
    }

    /// A SIPp UAS registered (by a REGISTER sent for it) at `registrar`; a SIPp UAC calls its
    /// AOR through `proxy`; the call must complete and the UAS see INVITE, ACK and BYE.
    private func registerThenCall(registrar: TernProcess, proxy: TernProcess) throws {
        let sipp = try #require(SIPpRunner.executable, "sipp is not installed")
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

        let registered = try registrar.client.exchangeUDP { clientPort in
            var request = SIPRequestBuilder.options(serverPort: registrar.port, clientPort: clientPort, user: "bob")
            request.method = "REGISTER"
            request.requestURI = "sip:127.0.0.1:\(registrar.port)"
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

        var uac = SIPpRunner(scenario: "../../../shared/bench/scenarios/uac-call.xml", serverPort: proxy.port, calls: 1, rate: 1,
                             timeout: .seconds(15))
        uac.extraArguments = ["-s", "bob"]
        let result = try uac.run()
        #expect(result.successfulCalls == 1, "\(result)\ntern stderr:\n\(proxy.standardError.suffix(2000))")
        let status = uas.wait(timeout: .seconds(10))
        #expect(status == .exited(0), "UAS: \(String(describing: status))\n\(uas.standardError)")
    }
}
