// The message event routes run on: routes that no message started (htable's mod-init and
// expiry routes, usrloc's contact-expired) get the request Kamailio's core fakes for them
// (core/fmsg.c), so message pseudo-variables read something sensible.
import SIPCore
import TernScript

/// The request Kamailio's core fakes for routes that no message started.
enum FakedRequest {
    static let bytes: [UInt8] = Array((
        "OPTIONS sip:you@kamailio.org SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1\r\n" +
        "From: <sip:you@kamailio.org>;tag=123\r\n" +
        "To: <sip:you@kamailio.org>\r\n" +
        "Call-ID: 123\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n").utf8)

    /// A context for an event route: the faked request, received nowhere, replies discarded.
    static func context(worker: WorkerScriptState) -> ScriptContext? {
        guard let message = try? SIPMessage.parse(bytes) else { return nil }
        let here = SocketAddressText(ip: "127.0.0.1", port: 5060)
        let receive = ReceiveInfo(proto: .udp, source: here, local: here, reply: DiscardedReplies())
        return ScriptContext(message: message, receive: receive, worker: worker, routeType: .event)
    }
}

/// Replies made in an event route have nobody to go to.
final class DiscardedReplies: ReplyChannel, @unchecked Sendable {
    func send(_ bytes: [UInt8]) {}
}
