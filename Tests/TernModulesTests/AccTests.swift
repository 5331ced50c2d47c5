// acc in process: the extra-attribute syntax, the record and its log line, the decisions
// per tm event (Kamailio's missed-call and failed-transaction rules), and the module wired
// to a stand-in TransactionService that fires tm's events by hand, writing to the log and
// to an SQLite file read back with sqlite3.
import Foundation
import Logging
import SIPCore
import SIPTransaction
@testable import TernModules
@testable import TernRuntime
import TernScript
import TernTestSupport
import Testing

@Suite("acc: extras, records, decisions")
struct AccRecordTests {
    @Test("log_extra syntax: name=$pv pairs, spaces allowed, ';' inside parentheses kept")
    func extraSyntax() throws {
        let parsed = try AccExtraSpec.parse(" src_user = $fU ;dst=$rU; ua=$hdr(User-Agent);x=$(hdr(X){s.select,0,;})").get()
        #expect(parsed == [
            AccExtraSpec(name: "src_user", pseudoVariable: "$fU"), AccExtraSpec(name: "dst", pseudoVariable: "$rU"),
            AccExtraSpec(name: "ua", pseudoVariable: "$hdr(User-Agent)"),
            AccExtraSpec(name: "x", pseudoVariable: "$(hdr(X){s.select,0,;})"),
        ])
        #expect(try AccExtraSpec.parse("").get().isEmpty)
        for bad in ["src_user", "src_user=fU", "=$fU", "a=$fU;", "a=$fU;;b=$rU", "a b=$fU"] {
            if case .success(let specs) = AccExtraSpec.parse(bad) { Issue.record("'\(bad)' parsed as \(specs)") }
        }
    }

    @Test("a comment with a leading code gives code and reason; otherwise all of it is the reason")
    func comments() {
        #expect(AccComment.split("404 Not Found Here") == ("404", "Not Found Here"))
        #expect(AccComment.split("486") == ("486", ""))
        #expect(AccComment.split("hello there") == ("", "hello there"))
        #expect(AccComment.split("42 x") == ("", "42 x"))
    }

    @Test("the log line is Kamailio 5.6's: prefix, timestamp, core attributes, extras (null empty)")
    func logLine() {
        var record = AccRecord(kind: .answered, timestamp: 1_795_445_963, method: "INVITE", fromTag: "554c1", toTag: "551s1",
                               callID: "1-554@127.0.0.1", code: "200", reason: "OK")
        record.extras = [("src_user", "sipp"), ("dst_user", "bob"), ("ua", nil)]
        // The line Kamailio 5.6.3 wrote for the same call (acc_log_request, log_extra as above).
        #expect(record.logLine == "ACC: transaction answered: timestamp=1795445963;method=INVITE;from_tag=554c1;to_tag=551s1;"
                + "call_id=1-554@127.0.0.1;code=200;reason=OK;src_user=sipp;dst_user=bob;ua=")
        record.kind = .missed
        #expect(record.logLine.hasPrefix("ACC: call missed: timestamp=1795445963;method=INVITE;"))
        record.kind = .request
        #expect(record.logLine.hasPrefix("ACC: request accounted: "))
    }

    @Test("fields: tags and Call-ID from the request, To-tag and reason from the reply; tm's own tag and the standard phrase without one")
    func fields() {
        let request = ScriptTestHarness.request()
        let reply = ScriptTestHarness.message([
            "SIP/2.0 486 Busy Right Now", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
            "To: <sip:bob@example.com>;tag=callee9", "From: <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com", "CSeq: 314159 INVITE",
        ])
        let busy = AccRecordFields.record(.missed, request: request, reply: reply, code: 486, localToTag: "local1", timestamp: 7)
        #expect(busy == AccRecord(kind: .missed, timestamp: 7, method: "INVITE", fromTag: "1928301774", toTag: "callee9",
                                  callID: "a84b4c76e66710@pc33.atlanta.example.com", code: "486", reason: "Busy Right Now"))
        let timeout = AccRecordFields.record(.missed, request: request, reply: nil, code: 408, localToTag: "local1", timestamp: 7)
        #expect(timeout.toTag == "local1" && timeout.reason == "Request Timeout" && timeout.code == "408")
        let swapped = AccRecordFields.record(.answered, request: request, reply: reply, code: 486, localToTag: nil, timestamp: 7,
                                             swapDirection: true)
        #expect(swapped.fromTag == "callee9" && swapped.toTag == "1928301774")
    }

    static func settings(_ change: (inout AccSettings) -> Void = { _ in }) -> AccSettings {
        var s = AccSettings()
        s.logFlag = 1
        s.logMissedFlag = 2
        s.failedTransactionFlag = 3
        s.dbFlag = 4
        s.dbMissedFlag = 5
        change(&s)
        return s
    }

    static func flags(_ bits: Int...) -> UInt32 { bits.reduce(0) { $0 | (UInt32(1) << UInt32($1)) } }
    static let id = TransactionID(hashIndex: 7, label: 1)

    @Test("busy INVITE with the missed flags: one missed record at the failure, flags cleared; the 486 sent later adds none")
    func missedOnce() {
        let s = Self.settings()
        let tracker = AccTransactionTracker()
        #expect(tracker.requestIn(Self.id, method: .invite, flags: Self.flags(2, 5), settings: s))
        let failure = tracker.failed(Self.id, code: 486, flags: Self.flags(2, 5), settings: s)
        #expect(failure == AccActions(logMissed: true, dbMissed: true, clearFlags: Self.flags(2, 5)))
        let sent = tracker.replySent(Self.id, code: 486, flags: 0, hasBody: false, settings: s)
        #expect(sent.isEmpty)
        // failure_route set the flag again and the next attempt failed too: reported again.
        #expect(tracker.replySent(Self.id, code: 480, flags: Self.flags(2), hasBody: false, settings: s).logMissed)
        tracker.destroyed(Self.id)
        #expect(tracker.watchedCount == 0)
    }

    @Test("answered: accounted once (a retransmitted 200 is no new record); negative finals only with failed_transaction_flag")
    func answered() {
        let s = Self.settings { $0.failedFilter = [404] }
        let tracker = AccTransactionTracker()
        tracker.requestIn(Self.id, method: .invite, flags: Self.flags(1), settings: s)
        #expect(tracker.replySent(Self.id, code: 180, flags: Self.flags(1), hasBody: true, settings: s).isEmpty)
        #expect(tracker.replySent(Self.id, code: 200, flags: Self.flags(1), hasBody: false, settings: s) == AccActions(logAnswered: true))
        #expect(tracker.replySent(Self.id, code: 200, flags: Self.flags(1), hasBody: false, settings: s).isEmpty)
        let other = TransactionID(hashIndex: 8, label: 1)
        tracker.requestIn(other, method: .bye, flags: Self.flags(1, 4), settings: s)
        #expect(tracker.replySent(other, code: 486, flags: Self.flags(1, 4), hasBody: false, settings: s).isEmpty)
        #expect(tracker.replySent(other, code: 404, flags: Self.flags(1, 3, 4), hasBody: false, settings: s).isEmpty)
        #expect(tracker.replySent(other, code: 486, flags: Self.flags(1, 3, 4), hasBody: false, settings: s)
                == AccActions(logAnswered: true, dbAnswered: true))
    }

    @Test("early_media accounts a 183 with a body; a request flagged after its transaction was made is not followed; CANCEL only with report_cancels")
    func options() {
        let media = Self.settings { $0.earlyMedia = true }
        let tracker = AccTransactionTracker()
        tracker.requestIn(Self.id, method: .invite, flags: Self.flags(1), settings: media)
        #expect(tracker.replySent(Self.id, code: 183, flags: Self.flags(1), hasBody: false, settings: media).isEmpty)
        #expect(tracker.replySent(Self.id, code: 183, flags: Self.flags(1), hasBody: true, settings: media).logAnswered)
        let late = TransactionID(hashIndex: 9, label: 2)
        #expect(!tracker.requestIn(late, method: .invite, flags: 0, settings: media))
        #expect(tracker.failed(late, code: 480, flags: Self.flags(2), settings: media).isEmpty)
        let cancel = TransactionID(hashIndex: 9, label: 3)
        #expect(!tracker.requestIn(cancel, method: .cancel, flags: Self.flags(1), settings: media))
        #expect(tracker.requestIn(cancel, method: .cancel, flags: Self.flags(1), settings: Self.settings { $0.reportCancels = true }))
        #expect(AccTransactionTracker.accountsReply(code: 200, flags: Self.flags(2), hasBody: false, settings: media) == false)
    }

    @Test("failed_filter and flag numbers are checked")
    func parameterChecks() throws {
        #expect(try AccSettings.codes("404, 407").get() == [404, 407])
        if case .success = AccSettings.codes("404,abc") { Issue.record("abc accepted") }
        #expect(try AccSettings.flag(-1).get() == nil)
        if case .success = AccSettings.flag(32) { Issue.record("flag 32 accepted") }
    }
}

/// tm's side of the seam, driven by hand: transactions are requests with saved flags.
final class StandInTransactions: TransactionService, @unchecked Sendable {
    struct Saved {
        var request: SIPMessage
        var flags: UInt32
    }

    private(set) var callbacks: [(TransactionEvents, TransactionCallback)] = []
    var transactions: [TransactionID: Saved] = [:]

    func transactionID(of context: ScriptContext) -> TransactionID? { nil }
    func replyIfStateful(_ context: ScriptContext, code: Int, reason: String) -> Int? { nil }

    func register(events: TransactionEvents, context: ScriptContext?, callback: @escaping TransactionCallback) -> Bool {
        callbacks.append((events, callback))
        return true
    }

    func requestContext(of id: TransactionID, worker: WorkerScriptState) -> ScriptContext? {
        guard let saved = transactions[id] else { return nil }
        let ctx = ScriptTestHarness.context(saved.request, worker: worker, routeType: .failure)
        ctx.messageFlags = saved.flags
        return ctx
    }

    func setMessageFlags(_ flags: UInt32, of id: TransactionID) -> Bool {
        guard transactions[id] != nil else { return false }
        transactions[id]?.flags = flags
        return true
    }

    func fire(_ event: TransactionEvents, _ id: TransactionID, reply: SIPMessage? = nil, code: Int = 0) {
        guard let saved = transactions[id] else { return }
        let info = TransactionCallbackInfo(event: event, transaction: id, request: saved.request, reply: reply, code: code)
        for (events, callback) in callbacks where events.contains(event) { callback(info) }
    }
}

@Suite("acc: the module on tm's callbacks (stand-in tm), log and SQLite", .serialized)
struct AccModuleTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [(Logger.Level, String)] = []
        func add(_ level: Logger.Level, _ text: String) { lock.withLock { stored.append((level, text)) } }
        var all: [(Logger.Level, String)] { lock.withLock { stored } }
        var texts: [String] { all.map(\.1) }
    }

    struct Setup {
        let harness: ScriptTestHarness
        let acc: AccModule
        let tm: StandInTransactions
        let lines: Lines
        let directory: TemporaryDirectory
        /// Whatever must live as long as the setup (TransactionAPI keeps services weakly).
        var keep: AnyObject? = nil
        var database: String { directory.path + "/acc.db" }

        func rows(_ sql: String) throws -> [String] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            p.arguments = [database, sql]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }

    static func setup(_ parameters: String, routes: String = "request_route { exit; }") throws -> Setup {
        let directory = try TemporaryDirectory(prefix: "tern-acc")
        let text = """
            loadmodule "pv.so"
            loadmodule "acc.so"
            modparam("acc", "db_url", "sqlite://\(directory.path)/acc.db")
            \(parameters)
            \(routes)
            """
        let harness: ScriptTestHarness
        switch ScriptTestHarness.load(text) {
        case .success(let h): harness = h
        case .failure(let list): throw AccTestError(text: "\(list)")
        }
        harness.services.install(ActiveScript(script: harness.config.script, generation: 1))
        let acc = try #require(harness.registry.module(named: "acc") as? AccModule)
        let lines = Lines()
        acc.logSink = { level, text in lines.add(level, text) }
        acc.now = { 1_795_445_963 }
        let tm = StandInTransactions()
        TransactionAPI.register(tm, for: harness.services)
        try acc.start(services: harness.services)
        return Setup(harness: harness, acc: acc, tm: tm, lines: lines, directory: directory)
    }

    struct AccTestError: Error { var text: String }

    static let flags = """
        modparam("acc", "log_flag", 1)
        modparam("acc", "log_missed_flag", 2)
        modparam("acc", "failed_transaction_flag", 3)
        modparam("acc", "db_flag", 4)
        modparam("acc", "db_missed_flag", 5)
        modparam("acc", "log_extra", "src_user=$fU;dst_user=$rU;ua=$hdr(User-Agent)")
        modparam("acc", "db_extra", "src_user=$fU")
        """

    static func reply(_ code: Int, _ reason: String, toTag: String = "callee1") -> SIPMessage {
        ScriptTestHarness.message([
            "SIP/2.0 \(code) \(reason)", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
            "To: <sip:bob@example.com>;tag=\(toTag)", "From: <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com", "CSeq: 314159 INVITE",
        ])
    }

    @Test("an answered call: the log line with extras and an acc row with the extra column")
    func answeredCall() throws {
        let s = try Self.setup(Self.flags)
        _ = try s.rows("ALTER TABLE acc ADD COLUMN src_user VARCHAR(64) NOT NULL DEFAULT ''")
        let id = TransactionID(hashIndex: 1, label: 1)
        s.tm.transactions[id] = .init(request: ScriptTestHarness.request(), flags: AccRecordTests.flags(1, 4))
        s.tm.fire(.requestIn, id)
        s.tm.fire(.responseOut, id, reply: Self.reply(180, "Ringing"), code: 180)
        s.tm.fire(.responseOut, id, reply: Self.reply(200, "OK"), code: 200)
        s.tm.fire(.destroyed, id)
        #expect(s.lines.texts == ["ACC: transaction answered: timestamp=1795445963;method=INVITE;from_tag=1928301774;to_tag=callee1;"
                                  + "call_id=a84b4c76e66710@pc33.atlanta.example.com;code=200;reason=OK;src_user=alice;dst_user=bob;ua="])
        #expect(s.lines.all.first?.0 == .notice)
        #expect(try s.rows("SELECT method, from_tag, to_tag, callid, sip_code, sip_reason, src_user FROM acc")
                == ["INVITE|1928301774|callee1|a84b4c76e66710@pc33.atlanta.example.com|200|OK|alice"])
        let time = try s.rows("SELECT time FROM acc").first ?? ""
        #expect(time.count == 19 && time.hasPrefix("20"), "\(time)")
        #expect(s.acc.tracker.watchedCount == 0)
    }

    @Test("a busy call: a missed_calls row and log line at the failure, the flags cleared on the transaction, none twice")
    func busyCall() throws {
        let s = try Self.setup(Self.flags.replacingOccurrences(of: "modparam(\"acc\", \"db_extra\", \"src_user=$fU\")", with: ""))
        let id = TransactionID(hashIndex: 2, label: 5)
        s.tm.transactions[id] = .init(request: ScriptTestHarness.request(), flags: AccRecordTests.flags(2, 5))
        s.tm.fire(.requestIn, id)
        s.tm.fire(.onFailure, id, reply: Self.reply(486, "Busy Here"), code: 486)
        #expect(s.tm.transactions[id]?.flags == 0)
        s.tm.fire(.responseOut, id, reply: Self.reply(486, "Busy Here"), code: 486)
        #expect(s.lines.texts.count == 1)
        #expect(s.lines.texts.first?.hasPrefix("ACC: call missed: timestamp=1795445963;method=INVITE;from_tag=1928301774;to_tag=callee1;") == true)
        #expect(try s.rows("SELECT sip_code, sip_reason, to_tag FROM missed_calls") == ["486|Busy Here|callee1"])
        #expect(try s.rows("SELECT count(*) FROM acc") == ["0"])
    }

    @Test("a timeout without any reply: 408 Request Timeout with tm's own To-tag; a request flagged too late is not accounted")
    func timeoutAndLateFlag() throws {
        let s = try Self.setup(Self.flags.replacingOccurrences(of: "modparam(\"acc\", \"db_extra\", \"src_user=$fU\")", with: ""))
        let id = TransactionID(hashIndex: 3, label: 1)
        let request = ScriptTestHarness.request()
        s.tm.transactions[id] = .init(request: request, flags: AccRecordTests.flags(5))
        s.tm.fire(.requestIn, id)
        s.tm.fire(.onFailure, id, code: 408)
        let tag = s.harness.services.localTags.tag(for: request)
        #expect(try s.rows("SELECT sip_code, sip_reason, to_tag FROM missed_calls") == ["408|Request Timeout|\(tag)"])
        let late = TransactionID(hashIndex: 3, label: 2)
        s.tm.transactions[late] = .init(request: request, flags: 0)
        s.tm.fire(.requestIn, late)
        s.tm.transactions[late]?.flags = AccRecordTests.flags(2, 5)
        s.tm.fire(.responseOut, late, reply: Self.reply(480, "Temporarily Unavailable"), code: 480)
        #expect(try s.rows("SELECT count(*) FROM missed_calls") == ["1"])
    }

    @Test("acc_log_request and acc_db_request account the request now, the comment's code and reason")
    func scriptFunctions() throws {
        let s = try Self.setup(Self.flags, routes: """
            request_route {
                acc_log_request("404 Not Found Here");
                acc_log_request("hello $rU");
                acc_db_request("480 Gone fishing", "missed_calls");
                if (!acc_db_request("x", "no_such_table")) { $var(failed) = 1; }
                exit;
            }
            """)
        // db_extra names a column Kamailio's table lacks: the operator adds it, as for Kamailio.
        _ = try s.rows("ALTER TABLE missed_calls ADD COLUMN src_user VARCHAR(64) NOT NULL DEFAULT ''")
        let run = s.harness.run(ScriptTestHarness.request())
        #expect(s.lines.texts == [
            "ACC: request accounted: timestamp=1795445963;method=INVITE;from_tag=1928301774;to_tag=;call_id=a84b4c76e66710@pc33.atlanta.example.com;code=404;reason=Not Found Here;src_user=alice;dst_user=bob;ua=",
            "ACC: request accounted: timestamp=1795445963;method=INVITE;from_tag=1928301774;to_tag=;call_id=a84b4c76e66710@pc33.atlanta.example.com;code=;reason=hello bob;src_user=alice;dst_user=bob;ua=",
        ])
        #expect(try s.rows("SELECT sip_code, sip_reason, from_tag, src_user FROM missed_calls") == ["480|Gone fishing|1928301774|alice"])
        #expect(run.variable("failed") == .int(1))
    }

    @Test("bad parameters are config errors naming the problem")
    func configErrors() {
        let cases: [(String, String)] = [
            ("modparam(\"acc\", \"log_extra\", \"src_user\")", "not name=$pseudo-variable"),
            ("modparam(\"acc\", \"log_extra\", \"a=$nosuchpv\")", "nosuchpv"),
            ("modparam(\"acc\", \"log_flag\", 40)", "outside 0–31"),
            ("modparam(\"acc\", \"failed_filter\", \"4o4\")", "not a SIP status code"),
        ]
        for (line, expected) in cases {
            let text = "loadmodule \"pv.so\"\nloadmodule \"acc.so\"\n\(line)\nrequest_route { exit; }\n"
            var message = ""
            switch ScriptTestHarness.load(text) {
            case .failure(let list): message = "\(list)"
            case .success(let h):
                h.services.install(ActiveScript(script: h.config.script, generation: 1))
                do {
                    try (h.registry.module(named: "acc") as? AccModule)?.start(services: h.services)
                } catch { message = "\(error)" }
            }
            #expect(message.contains(expected), "\(line): \(message)")
        }
    }
}

@Suite("acc: detect_direction")
struct AccDirectionTests {
    @Test("a request whose Route ftag is not its From-tag goes upstream (the callee's BYE)")
    func upstream() {
        let route = "Route: <sip:127.0.0.1:5070;lr;ftag=1928301774>"
        #expect(!AccDirection.isUpstream(ScriptTestHarness.request(method: "BYE", extra: [route])))
        let fromCallee = ScriptTestHarness.request(method: "BYE", extra: ["Route: <sip:127.0.0.1:5070;lr;ftag=callerTag>, <sip:other;lr>"])
        #expect(AccDirection.isUpstream(fromCallee))
        #expect(!AccDirection.isUpstream(ScriptTestHarness.request(method: "BYE")))
        #expect(AccDirection.parameter("ftag", in: Array("<sip:a;lr;FTAG=x1>".utf8)) == "x1")
    }
}

/// The real tm's transactions and events, with the two TransactionService members acc needs
/// from tm supplied here from tm's internals (what tm is to offer: the request state saved
/// with the transaction, and its flags written back).
final class TMWithSavedFlags: TransactionService, @unchecked Sendable {
    let tm: TMModule
    init(_ tm: TMModule) { self.tm = tm }

    func transactionID(of context: ScriptContext) -> TransactionID? { tm.transactionID(of: context) }
    func replyIfStateful(_ context: ScriptContext, code: Int, reason: String) -> Int? {
        tm.replyIfStateful(context, code: code, reason: reason)
    }
    func register(events: TransactionEvents, context: ScriptContext?, callback: @escaping TransactionCallback) -> Bool {
        tm.register(events: events, context: context, callback: callback)
    }
    func requestContext(of id: TransactionID, worker: WorkerScriptState) -> ScriptContext? {
        guard let core = tm.core, let t = core.table.lookup(id) else { return nil }
        return t.replyLock.withLock { t.freed ? nil : core.requestContext(t, worker: worker, routeType: .failure) }
    }
    func setMessageFlags(_ flags: UInt32, of id: TransactionID) -> Bool {
        guard let core = tm.core, let t = core.table.lookup(id) else { return false }
        return t.replyLock.withLock { () -> Bool in
            guard !t.freed else { return false }
            t.saved.messageFlags = flags
            return true
        }
    }
}

@Suite("acc with tm's own callbacks (in process)", .serialized)
struct AccWithTMTests {
    static func setup(_ routes: String) throws -> AccModuleTests.Setup {
        let directory = try TemporaryDirectory(prefix: "tern-acc-tm")
        let text = """
            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "acc.so"
            modparam("acc", "db_url", "sqlite://\(directory.path)/acc.db")
            \(AccModuleTests.flags.replacingOccurrences(of: "modparam(\"acc\", \"db_extra\", \"src_user=$fU\")", with: ""))
            \(routes)
            """
        let harness: ScriptTestHarness
        switch ScriptTestHarness.load(text) {
        case .success(let h): harness = h
        case .failure(let list): throw AccModuleTests.AccTestError(text: "\(list)")
        }
        harness.services.install(ActiveScript(script: harness.config.script, generation: 1))
        let tm = try #require(TransactionAPI.service(for: harness.services) as? TMModule)
        let seam = TMWithSavedFlags(tm)
        TransactionAPI.register(seam, for: harness.services)
        let acc = try #require(harness.registry.module(named: "acc") as? AccModule)
        let lines = AccModuleTests.Lines()
        acc.logSink = { level, text in lines.add(level, text) }
        try acc.start(services: harness.services)
        return AccModuleTests.Setup(harness: harness, acc: acc, tm: StandInTransactions(), lines: lines, directory: directory,
                                    keep: seam)
    }

    @Test("t_reply on a transaction flagged before t_newtran: 200 answered, 486 missed; flagged after t_newtran: nothing (as Kamailio)")
    func localReplies() throws {
        let s = try Self.setup("""
            request_route {
                if ($rU == "answer") { setflag(1); setflag(4); t_newtran(); t_reply("200", "OK"); exit; }
                if ($rU == "busy") { setflag(2); setflag(5); t_newtran(); t_reply("486", "Busy Here"); exit; }
                if ($rU == "late") { t_newtran(); setflag(2); setflag(5); t_reply("480", "Temporarily Unavailable"); exit; }
                exit;
            }
            """)
        for user in ["answer", "busy", "late"] {
            let request = ScriptTestHarness.message([
                "INVITE sip:\(user)@example.com SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(user)",
                "To: <sip:\(user)@example.com>", "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
                "Call-ID: call-\(user)", "CSeq: 1 INVITE",
            ])
            let run = s.harness.run(request)
            #expect(run.replies.last?.statusCode == (user == "answer" ? 200 : user == "busy" ? 486 : 480))
        }
        #expect(s.lines.texts.count == 2, "\(s.lines.texts)")
        #expect(s.lines.texts.first?.hasPrefix("ACC: transaction answered: ") == true)
        #expect(s.lines.texts.first?.contains(";call_id=call-answer;code=200;reason=OK;src_user=alice;dst_user=answer;ua=") == true)
        #expect(s.lines.texts.last?.hasPrefix("ACC: call missed: ") == true)
        #expect(s.lines.texts.last?.contains(";call_id=call-busy;code=486;reason=Busy Here;") == true)
        #expect(try s.rows("SELECT callid, sip_code FROM acc") == ["call-answer|200"])
        #expect(try s.rows("SELECT callid, sip_code, sip_reason FROM missed_calls") == ["call-busy|486|Busy Here"])
    }
}
