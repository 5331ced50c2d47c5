import Foundation
import Testing
import TernTestSupport

/// tm's asynchronous side on the wire, with the real binary and SIPp phones: an INVITE
/// suspended with t_suspend() and continued 200 ms later (by a MESSAGE in the same Call-ID
/// whose route calls t_continue) is relayed to the callee and the caller gets its 200; one
/// nobody continues gets its failure_route when fr_timer runs out; a local request to nowhere
/// (tm.t_uac_wait) ends with 408 after fr_timer.
@Suite("tm async on the wire: t_suspend/t_continue, local request timeout", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester)"))
struct TransactionAsyncTests {
    /// Suspends every new INVITE, keeping its index and label in htable under its Call-ID; a
    /// MESSAGE with that Call-ID continues it into route[RESUME], which relays to `{UAS1}`.
    static let config = TestConfigHead.udp(loading: ["tm", "tmx", "sl", "rr", "pv", "htable", "xlog"]) + """
        modparam("tm", "fr_timer", 1000)
        modparam("htable", "htable", "susp=>size=4;")

        request_route {
        \tif (method=="OPTIONS" && uri==myself) {
        \t\tsl_send_reply("200", "OK");
        \t\texit;
        \t}
        \tif (t_precheck_trans()) {
        \t\tt_check_trans();
        \t\texit;
        \t}
        \tif ($tt != $null) {
        \t\tif (loose_route()) {
        \t\t\tt_relay();
        \t\t\texit;
        \t\t}
        \t\tif (method=="ACK") {
        \t\t\tif (t_check_trans()) {
        \t\t\t\tt_relay();
        \t\t\t}
        \t\t\texit;
        \t\t}
        \t\tsl_send_reply("404", "Not here");
        \t\texit;
        \t}
        \tif (method=="MESSAGE" && $rU=="continue") {
        \t\tsl_send_reply("202", "Continuing");
        \t\t$var(index) = $sht(susp=>$ci::index);
        \t\t$var(label) = $sht(susp=>$ci::label);
        \t\tif (!t_continue($var(index), $var(label), "RESUME")) {
        \t\t\txlog("L_ERR", "t_continue failed\\n");
        \t\t}
        \t\texit;
        \t}
        \tif (method=="INVITE") {
        \t\trecord_route();
        \t\tt_on_failure("LATE");
        \t\tif (!t_suspend()) {
        \t\t\tsl_send_reply("500", "Not Suspended");
        \t\t\texit;
        \t\t}
        \t\t$sht(susp=>$ci::index) = $T(id_index);
        \t\t$sht(susp=>$ci::label) = $T(id_label);
        \t\texit;
        \t}
        \tsl_send_reply("405", "Not Here");
        }

        route[RESUME] {
        \t$du = "sip:127.0.0.1:{UAS1}";
        \tif (!t_relay()) {
        \t\tt_reply("500", "Relay Failed");
        \t}
        }

        failure_route[LATE] {
        \tif (t_check_status("408")) {
        \t\tt_reply("504", "Suspended Too Long");
        \t}
        }

        """

    @Test("an INVITE suspended and continued 200 ms later reaches the callee; the caller gets 200, ACK and BYE follow")
    func suspendedThenContinued() throws {
        let callee = try SIPpServer(scenario: "tm-uas-call.xml", calls: 1)
        let tern = try TernProcess.start(config: StatefulProxyConfigs.fill(Self.config, uas1: callee.port))
        defer { tern.stop() }
        var caller = SIPpRunner(scenario: "tm-uac-suspend-continue.xml", serverPort: tern.port, calls: 1, rate: 1,
                                timeout: .seconds(10))
        caller.extraArguments = ["-s", "later"]
        let result = try caller.run()
        #expect(result.successfulCalls == 1, "\(result)\n\(tern.standardError.suffix(2000))")
        let uas = callee.finish(timeout: .seconds(5))
        #expect(uas.successfulCalls == 1, "the callee did not get the continued call: \(uas)")
    }

    @Test("an INVITE nobody continues: failure_route runs on fr_timer's 408 and answers 504")
    func suspendedNeverContinued() throws {
        let tern = try TernProcess.start(config: StatefulProxyConfigs.fill(Self.config, uas1: 9))
        defer { tern.stop() }
        var caller = SIPpRunner(scenario: "tm-uac-suspend-timeout.xml", serverPort: tern.port, calls: 1, rate: 1,
                                timeout: .seconds(10))
        caller.extraArguments = ["-s", "never"]
        let result = try caller.run()
        #expect(result.successfulCalls == 1, "\(result)\n\(tern.standardError.suffix(2000))")
        let waited = try #require(StatefulTimeoutTests.milliseconds(result.statistics["ResponseTime1(C)"] ?? ""),
                                  "no response time in \(result.statistics)")
        #expect(waited >= 900 && waited <= 1500, "the 504 came after \(waited) ms, not about fr_timer (1000 ms)")
    }

    @Test("tm.t_uac_wait to a port nobody answers on: 408 Request Timeout after fr_timer")
    func localRequestTimesOut() throws {
        let server = try ManagementServer.start(ManagementServer.config(
            extraModules: "loadmodule \"tm.so\"", extraParameters: "modparam(\"tm\", \"fr_timer\", 1000)"))
        defer { server.stop() }
        let nobody = try FreePort.udp()
        let request = """
            {"jsonrpc":"2.0","method":"tm.t_uac_wait","params":["OPTIONS","sip:nobody@127.0.0.1:\(nobody)",".",".",\
            "From: <sip:tern@127.0.0.1>\\r\\nTo: <sip:nobody@127.0.0.1>\\r\\n"],"id":1}
            """
        let answer = try #require(ControlSocketClient.exchange(socket: server.socket, request), "no answer on the control socket")
        #expect(answer.contains("408") && answer.contains("Request Timeout"), "\(answer)")
    }
}
