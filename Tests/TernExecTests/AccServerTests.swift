// acc with the real binary and SIPp phones: a proxy that flags every new INVITE for
// accounting and missed calls, writing log lines (stderr) and rows into the SQLite file
// beside its config. Each record is checked against the shape Kamailio 5.6.3 writes for the
// same call (its acc log line, its acc / missed_calls columns).
import Foundation
import SIPCore
import SIPTransaction
@testable import TernModules
@testable import TernRuntime
import TernScript
import TernTestSupport
import Testing

/// Whether tm lets acc read and clear a transaction's flags (TransactionService's
/// requestContext / setMessageFlags); acc accounts nothing on the wire without it.
enum TMAccountingProbe {
    static let ready: Bool = {
        let text = "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nrequest_route { setflag(3); t_newtran(); exit; }\n"
        guard case .success(let harness) = ScriptTestHarness.load(text),
              let tm = TransactionAPI.service(for: harness.services)
        else { return false }
        let run = harness.run(ScriptTestHarness.request())
        guard let id = tm.transactionID(of: run.context),
              let ctx = tm.requestContext(of: id, worker: WorkerScriptState())
        else { return false }
        return ctx.messageFlags & (1 << 3) != 0 && tm.setMessageFlags(0, of: id)
    }()
}

/// The accounting proxy: every new INVITE to `{UAS}`, flagged 1 (acc) and 2 (missed).
enum AccProxyConfig {
    static func text(uasPort: UInt16, extra: String = "") -> String {
        """
        #!KAMAILIO
        debug=2
        log_stderror=yes
        children=2
        listen=udp:127.0.0.1:{PORT}

        loadmodule "tm.so"
        loadmodule "sl.so"
        loadmodule "rr.so"
        loadmodule "pv.so"
        loadmodule "acc.so"
        modparam("tm", "fr_inv_timer", 2000)
        modparam("acc", "log_flag", 1)
        modparam("acc", "log_missed_flag", 2)
        modparam("acc", "db_flag", 1)
        modparam("acc", "db_missed_flag", 2)
        modparam("acc", "db_url", "sqlite://acc.db")
        modparam("acc", "log_extra", "src_user=$fU;dst_user=$rU;ua=$hdr(User-Agent)")
        \(extra)
        request_route {
        \tif (method == "OPTIONS" && uri == myself) {
        \t\tsl_send_reply("200", "OK");
        \t\texit;
        \t}
        \tif (method == "CANCEL") {
        \t\tif (t_check_trans()) { t_relay(); }
        \t\texit;
        \t}
        \tif ($tt != $null) {
        \t\tif (loose_route()) { t_relay(); exit; }
        \t\tif (method == "ACK") { if (t_check_trans()) { t_relay(); } exit; }
        \t\tsl_send_reply("404", "Not here");
        \t\texit;
        \t}
        \tif ($rU == "script") {
        \t\tacc_log_request("404 Not Found Here");
        \t\tacc_db_request("404 Not Found Here", "acc");
        \t\tacc_db_request("no code", "missed_calls");
        \t\tsl_send_reply("404", "Not Found Here");
        \t\texit;
        \t}
        \trecord_route();
        \tsetflag(1);
        \tsetflag(2);
        \t$du = "sip:127.0.0.1:\(uasPort)";
        \tt_relay();
        }
        """
    }
}

struct AccRunningProxy {
    let tern: TernProcess

    init(uasPort: UInt16) throws {
        tern = try TernProcess.start(config: AccProxyConfig.text(uasPort: uasPort))
    }

    /// Rows of `sql` on the proxy's database, columns joined by '|'.
    func rows(_ sql: String) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [tern.directory.file("acc.db"), sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The acc log lines on stderr with this prefix, each as its `name=value` pairs in order.
    func logRecords(_ prefix: String) -> [[(String, String)]] {
        tern.standardError.split(separator: "\n").compactMap { line -> [(String, String)]? in
            guard let start = line.range(of: prefix) else { return nil }
            return line[start.upperBound...].split(separator: ";", omittingEmptySubsequences: false).map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }
        }
    }

    func stop() { tern.stop() }
}

@Suite("acc on the wire (SIPp phones, SQLite)", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed"),
       .enabled(if: TMAccountingProbe.ready, "waits for tm's requestContext(of:) / setMessageFlags (TransactionAPI)"))
struct AccServerTests {
    /// Kamailio 5.6.3's attribute order for this log_extra.
    static let kamailioKeys = ["timestamp", "method", "from_tag", "to_tag", "call_id", "code", "reason", "src_user", "dst_user", "ua"]

    @Test("an answered call: one 'ACC: transaction answered' line as Kamailio's and one acc row; no missed call")
    func answered() throws {
        let uas = try SIPpServer(scenario: "tm-uas-call.xml", calls: 1)
        let proxy = try AccRunningProxy(uasPort: uas.port)
        defer { proxy.stop() }
        var caller = SIPpRunner(scenario: "tm-uac-call.xml", serverPort: proxy.tern.port, calls: 1, rate: 1, timeout: .seconds(15))
        caller.extraArguments = ["-s", "bob"]
        let result = try caller.run()
        #expect(result.successfulCalls == 1, "\(result)\n\(proxy.tern.standardError.suffix(2000))")
        _ = uas.finish(timeout: .seconds(5))
        let records = proxy.logRecords("ACC: transaction answered: ")
        try #require(records.count == 1, "\(proxy.tern.standardError.suffix(3000))")
        let record = records[0]
        #expect(record.map(\.0) == Self.kamailioKeys)
        let fields = Dictionary(record, uniquingKeysWith: { a, _ in a })
        #expect(fields["method"] == "INVITE" && fields["code"] == "200" && fields["reason"] == "OK")
        #expect(fields["src_user"] == "sipp" && fields["dst_user"] == "bob" && fields["ua"] == "")
        #expect(fields["from_tag"]?.hasSuffix("c1") == true && fields["to_tag"]?.isEmpty == false)
        #expect(Int64(fields["timestamp"] ?? "").map { abs($0 - Int64(Date().timeIntervalSince1970)) < 60 } == true)
        let rows = try proxy.rows("SELECT method, from_tag, to_tag, callid, sip_code, sip_reason FROM acc")
        #expect(rows == ["INVITE|\(fields["from_tag"] ?? "")|\(fields["to_tag"] ?? "")|\(fields["call_id"] ?? "")|200|OK"])
        #expect(try proxy.rows("SELECT count(*) FROM missed_calls") == ["0"])
        #expect(proxy.logRecords("ACC: call missed: ").isEmpty)
    }

    @Test("a busy callee (486): one missed_calls row and one 'ACC: call missed' line; nothing in acc")
    func busy() throws {
        let uas = try SIPpServer(scenario: "tm-uas-busy.xml", calls: 1)
        let proxy = try AccRunningProxy(uasPort: uas.port)
        defer { proxy.stop() }
        let result = try SIPpRunner(scenario: "tm-uac-busy.xml", serverPort: proxy.tern.port, calls: 1, rate: 1,
                                    timeout: .seconds(15)).run()
        #expect(result.successfulCalls == 1, "\(result)\n\(proxy.tern.standardError.suffix(2000))")
        _ = uas.finish(timeout: .seconds(5))
        let rows = try proxy.rows("SELECT method, sip_code, sip_reason, to_tag <> '', from_tag <> '' FROM missed_calls")
        #expect(rows == ["INVITE|486|Busy Here|1|1"], "\(proxy.tern.standardError.suffix(2000))")
        let missed = proxy.logRecords("ACC: call missed: ")
        #expect(missed.count == 1 && missed.first?.map(\.0) == Self.kamailioKeys)
        #expect(try proxy.rows("SELECT count(*) FROM acc") == ["0"])
    }

    @Test("a callee ringing past fr_inv_timer: a missed call 408 Request Timeout with the proxy's own To-tag")
    func timeout() throws {
        let uas = try SIPpServer(scenario: "tm-uas-ring-cancel.xml", calls: 1)
        let proxy = try AccRunningProxy(uasPort: uas.port)
        defer { proxy.stop() }
        let result = try SIPpRunner(scenario: "acc-uac-timeout.xml", serverPort: proxy.tern.port, calls: 1, rate: 1,
                                    timeout: .seconds(15)).run()
        #expect(result.successfulCalls == 1, "\(result)\n\(proxy.tern.standardError.suffix(2000))")
        _ = uas.finish(timeout: .seconds(5))
        let rows = try proxy.rows("SELECT sip_code, sip_reason, to_tag FROM missed_calls")
        try #require(rows.count == 1, "\(rows)\n\(proxy.tern.standardError.suffix(2000))")
        #expect(rows[0].hasPrefix("408|Request Timeout|") && !rows[0].hasSuffix("|"), "\(rows)")
    }

    @Test("a caller that cancels while it rings: a missed call 487 Request Terminated")
    func cancelled() throws {
        let uas = try SIPpServer(scenario: "tm-uas-ring-cancel.xml", calls: 1)
        let proxy = try AccRunningProxy(uasPort: uas.port)
        defer { proxy.stop() }
        let result = try SIPpRunner(scenario: "acc-uac-cancel.xml", serverPort: proxy.tern.port, calls: 1, rate: 1,
                                    timeout: .seconds(15)).run()
        #expect(result.successfulCalls == 1, "\(result)\n\(proxy.tern.standardError.suffix(2000))")
        _ = uas.finish(timeout: .seconds(5))
        #expect(try proxy.rows("SELECT method, sip_code, sip_reason FROM missed_calls") == ["INVITE|487|Request Terminated"],
                "\(proxy.tern.standardError.suffix(2000))")
        #expect(proxy.logRecords("ACC: call missed: ").first?.first(where: { $0.0 == "code" })?.1 == "487")
    }
}

/// acc_log_request / acc_db_request need no transaction (nor tm's callbacks).
@Suite("acc script functions on the wire", .serialized, .enabled(if: SIPpRunner.isAvailable, "sipp is not installed"))
struct AccScriptFunctionServerTests {
    @Test("acc_log_request and acc_db_request write the request with the comment's code and reason")
    func requestFunctions() throws {
        let proxy = try AccRunningProxy(uasPort: 9)
        defer { proxy.stop() }
        var caller = SIPpRunner(scenario: "exec-invite-404.xml", serverPort: proxy.tern.port, calls: 1, rate: 1, timeout: .seconds(15))
        caller.extraArguments = ["-s", "script"]
        let result = try caller.run()
        #expect(result.successfulCalls == 1, "\(result)\n\(proxy.tern.standardError.suffix(2000))")
        let records = proxy.logRecords("ACC: request accounted: ")
        try #require(records.count == 1, "\(proxy.tern.standardError.suffix(2000))")
        let fields = Dictionary(records[0], uniquingKeysWith: { a, _ in a })
        #expect(records[0].map(\.0) == AccServerTests.kamailioKeys)
        #expect(fields["code"] == "404" && fields["reason"] == "Not Found Here" && fields["to_tag"] == "" && fields["dst_user"] == "script")
        #expect(try proxy.rows("SELECT method, sip_code, sip_reason, to_tag FROM acc") == ["INVITE|404|Not Found Here|"])
        #expect(try proxy.rows("SELECT sip_code, sip_reason FROM missed_calls") == ["|no code"])
    }
}
