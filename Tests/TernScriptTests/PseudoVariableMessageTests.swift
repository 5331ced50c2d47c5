import SIPCore
import Testing

@testable import TernScript

/// Messages for the pseudo-variable and transformation tests. `invite` is the request the
/// expected values were checked with against Kamailio 5.6.3 (same headers and body; only the
/// addresses of the sockets differ).
enum PVTestMessages {
    static func parse(_ lines: [String], body: String = "") -> SIPMessage {
        let text = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
        do {
            return try SIPMessage.parse(Array(text.utf8))
        } catch {
            fatalError("test message does not parse: \(error)")
        }
    }

    static var invite: SIPMessage {
        parse([
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
            "Max-Forwards: 70",
            "To: <sip:bob@example.com>",
            "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
            "CSeq: 314159 INVITE",
            "Contact: <sip:alice@pc33.atlanta.example.com>;q=0.5, <sip:alice2@10.0.0.1>",
            "User-Agent: Friendly Phone/1.0",
            "Content-Type: text/plain",
            "Content-Length: 12",
        ], body: "hello\r\nworld")
    }

    static var register: SIPMessage {
        parse([
            "REGISTER sip:example.com SIP/2.0",
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1",
            "Max-Forwards: 70",
            "To: <sip:alice@example.com>",
            "From: sip:alice@example.com;tag=abc",
            "Call-ID: reg1",
            "CSeq: 2 REGISTER",
            "Contact: <sip:alice@10.0.0.1>",
            "Authorization: Digest username=\"alice@realm.org\", realm=\"example.com\", nonce=\"n1\", uri=\"sip:example.com\", response=\"r1\", algorithm=MD5, cnonce=\"c1\", opaque=\"o1\", qop=auth, nc=00000001",
            "Content-Length: 0",
        ])
    }

    static var reply: SIPMessage {
        parse([
            "SIP/2.0 486 Busy Here",
            "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
            "To: <sip:bob@example.com>;tag=a6c85cf",
            "From: <sip:alice@atlanta.example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710",
            "CSeq: 314159 INVITE",
            "Content-Length: 0",
        ])
    }
}

/// One run of a request_route: what `record(...)` saw and the context afterwards.
struct RecordedRun {
    var values: [String]
    var context: ScriptContext
}

/// Runs `routeBody` as request_route (with the probe module loaded) on `message`; `prepare`
/// can set up the context first (branches, a rewritten R-URI …).
func runRoute(_ routeBody: String, message: SIPMessage = PVTestMessages.invite, worker: WorkerScriptState = WorkerScriptState(),
              proto: TransportProtocol = .udp, prepare: (ScriptContext) -> Void = { _ in },
              sourceLocation: Testing.SourceLocation = #_sourceLocation) -> RecordedRun? {
    let recorder = Recorder()
    guard let config = loadValid("loadmodule \"probe\"\nrequest_route {\n\(routeBody)\n}\n", symbols: TestModules.symbols(recorder),
                                 sourceLocation: sourceLocation)
    else { return nil }
    let ctx = makeContext(message, worker: worker, proto: proto)
    prepare(ctx)
    _ = config.script.run(.request, ctx)
    return RecordedRun(values: recorder.values, context: ctx)
}

/// The text `record("<format>")` records for one format on `message`.
func expand(_ format: String, message: SIPMessage = PVTestMessages.invite, before: String = "",
            prepare: (ScriptContext) -> Void = { _ in }, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
    runRoute("\(before)\nrecord(\"\(format)\");", message: message, prepare: prepare, sourceLocation: sourceLocation)?.values.first
}

/// The message as it would be sent with the context's edits applied.
func edited(_ run: RecordedRun) -> String {
    guard let bytes = try? MessageSerializer.serialize(run.context.message, edits: run.context.edits) else { return "<edits do not apply>" }
    return String(decoding: bytes, as: UTF8.self)
}

// Expected values marked "Kamailio 5.6.3" were printed by the real server (xlog of the same
// pseudo-variables on the same message); the others follow its source.

@Suite struct PseudoVariableMessageTests {
    @Test func requestLineAndMessage() {
        // Kamailio 5.6.3: rm=INVITE rv=SIP/2.0 rs=<null> rr=<null> mt=1 mts=rq cT=text/plain
        // cs=314159 csb=314159 INVITE, $ct is the first Contact header's whole value.
        #expect(expand("$rm|$rmid|$rv|$rs|$rsi|$rr|$mt|$mts") == "INVITE|1|SIP/2.0|<null>|0|<null>|1|rq")
        #expect(expand("$cl|$cT|$cs|$csb|$ci") == "12|text/plain|314159|314159 INVITE|a84b4c76e66710@pc33.atlanta.example.com")
        #expect(expand("$ct") == "<sip:alice@pc33.atlanta.example.com>;q=0.5, <sip:alice2@10.0.0.1>")
        #expect(expand("$ua|[$rb]|$bs") == "Friendly Phone/1.0|[hello\r\nworld]|12")
        let invite = PVTestMessages.invite
        #expect(expand("$ml") == String(invite.bytes.count))
        #expect(expand("$mb") == String(decoding: invite.bytes, as: UTF8.self))
        #expect(expand("$msg(fline)|$msg(hdrc)|$msg(body_len)|$msg(len)") == "INVITE sip:bob@example.com SIP/2.0|10|12|\(invite.bytes.count)")
        #expect(expand("$msg(body)") == "hello\r\nworld")
        // $mbu: the message with the route's changes (Kamailio 5.6.3 showed `From: sip:carol@…`
        // after `$fU = "carol"`).
        #expect(runRoute("$fU = \"carol\"; record(\"$mbu\");")?.values.first?.contains("\r\nFrom: \"Alice\" <sip:carol@atlanta.example.com>;tag=1928301774\r\n") == true)
        // $cs is a string: `+` concatenates (spec §9).
        #expect(runRoute("$var(x) = $cs + 1; record(\"$var(x)\");")?.values == ["3141591"])
        // $rs is an int on a reply; $rm is the CSeq method there.
        #expect(expand("$rs|$rr|$rm|$mt|$rsi", message: PVTestMessages.reply) == "486|Busy Here|INVITE|2|486")
        #expect(expand("[$rb]|$hu", message: PVTestMessages.reply) == "[<null>]|<null>")
    }

    @Test func requestURIReadsAndWrites() {
        // Kamailio 5.6.3: ru=sip:bob@example.com rU=bob rd=example.com rp=5060 rP=UDP rz=sip
        // rUl=3, the same for $ou $oU $od $op $oP.
        #expect(expand("$ru|$rU|$rd|$rp|$rP|$rz|$rUl") == "sip:bob@example.com|bob|example.com|5060|UDP|sip|3")
        #expect(expand("$ou|$oU|$od|$op|$oP|$oUl") == "sip:bob@example.com|bob|example.com|5060|UDP|3")
        // Kamailio 5.6.3: after $rU = "carol"; $rp = 5070: ru=sip:carol@example.com:5070, ou unchanged.
        let run = runRoute("""
            $rU = "carol"; $rp = 5070;
            record("$ru|$rU|$rp|$ou");
            $rd = "example.org"; $rp = $null;
            record("$ru|$rd|$rp");
            $ru = "sips:dave@10.0.0.5:5071;transport=tls";
            record("$rU|$rd|$rp|$rP|$rz");
            $ru = $null;
            record("$ru");
            $rU = $null;
            record("$ru|$rU");
            """)
        #expect(run?.values == [
            "sip:carol@example.com:5070|carol|5070|sip:bob@example.com",
            "sip:carol@example.org|example.org|5060",
            "dave|10.0.0.5|5071|tls|sips",
            "sips:dave@10.0.0.5:5071;transport=tls",
            "sips:10.0.0.5:5071;transport=tls|<null>",
        ])
        // 5061 when the transport is TLS and no port is written; 5060 for sips: without it (spec §9).
        #expect(runRoute("$ru = \"sip:a@b;transport=TLS\"; record(\"$rp\"); $ru = \"sips:a@b\"; record(\"$rp\");")?.values == ["5061", "5060"])
        // $rp concatenates like a string.
        #expect(runRoute("$var(p) = $rp + 1; record(\"$var(p)\");")?.values == ["50601"])
        #expect(expand("$ru|$rU|$ou", message: PVTestMessages.reply) == "<null>|<null>|<null>")
    }

    @Test func destinationURIAndNextHop() {
        // Kamailio 5.6.3: du=<null> dd=<null>; nh(u)=sip:bob@example.com nh(U)=bob nh(d)=example.com
        // nh(p)=5060 nh(P)=UDP; after $du = "sip:10.0.0.9:5080;transport=tcp": dd=10.0.0.9
        // dp=5080 dP=tcp and $nh follows $du.
        let run = runRoute("""
            record("$du|$dd|$dp|$dP|$nh(u)|$nh(U)|$nh(d)|$nh(p)|$nh(P)");
            $du = "sip:10.0.0.9:5080;transport=tcp";
            record("$du|$dd|$dp|$dP|$nh(u)|$nh(U)|$nh(d)|$nh(p)|$nh(P)");
            $du = $null;
            record("$du|$duri");
            """)
        #expect(run?.values == [
            "<null>|<null>|<null>|<null>|sip:bob@example.com|bob|example.com|5060|UDP",
            "sip:10.0.0.9:5080;transport=tcp|10.0.0.9|5080|tcp|sip:10.0.0.9:5080;transport=tcp|<null>|10.0.0.9|5080|tcp",
            "<null>|<null>",
        ])
    }
}
