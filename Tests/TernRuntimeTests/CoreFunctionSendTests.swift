// force_rport and friends record how the message leaves; force_send_socket parses its
// [proto:]host[:port] argument when the script loads, as Kamailio's grammar does.
import SIPCore
import TernScript
import Testing

@testable import TernRuntime

@Suite struct CoreFunctionSendTests {
    @Test(arguments: [
        ("force_rport", SendOptions.forceRport), ("add_rport", .forceRport), ("add_local_rport", .addLocalRport),
        ("set_reply_close", .closeAfterReply), ("set_reply_no_connect", .replyNoConnect),
        ("set_forward_close", .closeAfterForward), ("set_forward_no_connect", .forwardNoConnect),
    ])
    func optionIsRecorded(function: String, option: SendOptions) {
        guard let script = CoreScript("request_route { \(function)(); }") else { return }
        let run = script.run()
        #expect(run.context.sendOptions == option)
        #expect(run.outcome.returnCode == 1)
    }

    @Test(arguments: [
        ("udp:127.0.0.1:5070", "udp:127.0.0.1:5070"),
        ("tcp:[2001:db8::1]:5061", "tcp:[2001:db8::1]:5061"),
        // What is left out is UDP and 5060, as for `$fs = "host"`.
        ("192.0.2.1", "udp:192.0.2.1:5060"),
        ("\"tls:sip.example.org\"", "tls:sip.example.org:5060"),
    ])
    func forceSendSocket(argument: String, text: String) {
        guard let script = CoreScript("request_route { force_send_socket(\(argument)); $var(fs) = $fs; }") else { return }
        let run = script.run()
        #expect(run.context.forcedSendSocket == text)
        #expect(run.context.worker.variable(named: "fs") == .string(text))
    }

    @Test func forceSendSocketRefusesWhatIsNotASocket() {
        let errors = CoreScript.errors("""
            request_route {
                force_send_socket("udp:1.2.3.4:99999");
                force_send_socket($var(s));
            }
            """)
        #expect(errors.count == 2)
        guard errors.count == 2 else { return }
        #expect(errors[0] == "force_send_socket: bad argument 'udp:1.2.3.4:99999', [proto:]host[:port] expected")
    }
}
