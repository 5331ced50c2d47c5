// The core functions as a script sees them: compiled by the real checker from config text,
// run on parsed SIP messages. This file holds the harness the CoreFunction*Tests files share,
// and the checks that concern the list as a whole.
import Logging
import SIPCore
import TernScript
import Testing

@testable import TernRuntime

/// Log lines a script wrote, in order.
final class CoreFunctionLogRecorder: @unchecked Sendable {
    private(set) var lines: [(level: Logger.Level, text: String)] = []
    func append(_ level: Logger.Level, _ text: String) { lines.append((level, text)) }
    var texts: [String] { lines.map(\.text) }
}

struct CoreFunctionLogHandler: LogHandler {
    let recorder: CoreFunctionLogRecorder
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(event.level, "\(event.message)")
    }
}

final class DiscardingReplyChannel: ReplyChannel, @unchecked Sendable {
    func send(_ bytes: [UInt8]) {}
}

/// A script made of core functions only, compiled once.
struct CoreScript {
    let config: LoadedConfig

    init?(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch CoreScript.load(text) {
        case .success(let config): self.config = config
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func load(_ text: String) -> Result<LoadedConfig, DiagnosticList> {
        ConfigLoader.load(
            ConfigLoadRequest(path: "main.cfg"),
            symbols: ScriptSymbols(availableModules: [], coreFunctions: CoreFunctions.all),
            provider: InMemorySourceProvider(files: ["main.cfg": text]))
    }

    /// The error messages of a script that must not load.
    static func errors(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String] {
        switch load(text) {
        case .success:
            Issue.record("config loaded but errors were expected", sourceLocation: sourceLocation)
            return []
        case .failure(let list):
            return list.errors.map(\.message)
        }
    }

    struct Run {
        let outcome: RouteOutcome
        let context: ScriptContext
        let log: CoreFunctionLogRecorder
    }

    func run(_ message: SIPMessage = CoreScript.request(), route: RouteKind = .request, logLevel: Logger.Level = .trace,
             prepare: (ScriptContext) -> Void = { _ in }) -> Run {
        let recorder = CoreFunctionLogRecorder()
        let logger = Logger(label: "script") { _ in CoreFunctionLogHandler(recorder: recorder, logLevel: logLevel) }
        let receive = ReceiveInfo(
            proto: .udp, source: SocketAddressText(ip: "192.0.2.10", port: 5060),
            local: SocketAddressText(ip: "127.0.0.1", port: 5070), reply: DiscardingReplyChannel())
        let context = ScriptContext(message: message, receive: receive, worker: WorkerScriptState(logger: logger), routeType: route.routeType)
        prepare(context)
        let outcome = config.script.run(route, context)
        return Run(outcome: outcome, context: context, log: recorder)
    }

    static func request(uri: String = "sip:bob@example.com", method: String = "INVITE", extra: [String] = []) -> SIPMessage {
        let lines = [
            "\(method) \(uri) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
            "Max-Forwards: 70",
            "To: <sip:bob@example.com>",
            "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 \(method)",
        ] + extra + ["Content-Length: 0"]
        return parse(lines.joined(separator: "\r\n") + "\r\n\r\n")
    }

    static func reply(status: Int = 200, method: String = "INVITE") -> SIPMessage {
        parse([
            "SIP/2.0 \(status) Whatever",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds",
            "To: <sip:bob@example.com>;tag=a6c85cf",
            "From: <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710",
            "CSeq: 314159 \(method)",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n")
    }

    private static func parse(_ text: String) -> SIPMessage {
        do {
            return try SIPMessage.parse(Array(text.utf8))
        } catch {
            fatalError("test message does not parse: \(error)")
        }
    }
}

@Suite struct CoreFunctionListTests {
    @Test func everyNameIsDeclaredOnceWithItsAliases() {
        let names = CoreFunctions.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in ["seturi", "rewriteuri", "sethost", "rewritehost", "seth", "sethostport", "rewritehostport", "sethp",
                     "sethostporttrans", "sethpt", "setuser", "rewriteuser", "setu", "setuserpass", "setup", "setport",
                     "setp", "revert_uri", "prefix", "strip", "strip_tail", "userphone", "setflag", "resetflag",
                     "isflagset", "append_branch", "remove_branch", "clear_branches", "force_rport", "add_rport",
                     "add_local_rport", "force_send_socket", "set_reply_close", "set_reply_no_connect",
                     "set_forward_close", "set_forward_no_connect", "log", "error"] {
            #expect(names.contains(name), "\(name) is missing")
        }
        // Stateless forwarding is not a core function until the forwarding core exists.
        #expect(!names.contains("forward"))
    }

    @Test func wrongArgumentCountIsAConfigError() {
        let errors = CoreScript.errors("request_route { sethost(); strip(1, 2); append_branch(\"a\", \"0.5\", \"x\"); }")
        #expect(errors.count == 3)
        #expect(errors.contains { $0.contains("'sethost' takes 1 argument, given 0") })
        #expect(errors.contains { $0.contains("'append_branch' takes 0 to 2 arguments, given 3") })
    }

    @Test func onsendRouteAdmitsOnlyWhatKamailioAdmits() {
        // Kamailio's grammar: in onsend_route only log, the flag functions and the
        // set_*_close / set_*_no_connect family among the core actions.
        #expect(CoreScript("""
            request_route { exit; }
            onsend_route { log(1, "sending"); setflag(1); isflagset(1); set_forward_close(); set_reply_no_connect(); }
            """) != nil)
        let errors = CoreScript.errors("""
            request_route { exit; }
            onsend_route { sethost("x"); force_rport(); }
            """)
        #expect(errors == ["function 'sethost' cannot be used in onsend_route", "function 'force_rport' cannot be used in onsend_route"])
    }

    @Test func aFunctionReturningZeroOrLessIsFalseInConditions() {
        guard let script = CoreScript("""
            request_route {
                if (isflagset(2)) { log(1, "set"); } else { log(1, "not set"); }
                setflag(2);
                if (isflagset(2)) { log(1, "now set"); }
            }
            """) else { return }
        #expect(script.run().log.texts == ["<script>: not set", "<script>: now set"])
    }
}
