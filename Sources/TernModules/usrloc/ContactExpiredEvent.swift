import SIPCore
import TernRuntime
import TernScript

/// event_route[usrloc:contact-expired]: run by the timer for each binding it removed, after
/// the bucket locks are released, on a request faked as Kamailio's core fakes one; the route
/// reads the binding as `$ulc(exp=>addr)`, `$ulc(exp=>aor)` ….
enum ContactExpiredEvent {
    static let route = RouteKind.event("usrloc:contact-expired")
    /// The binding the running route is about.
    static let key = ScriptContextKey<ExpiredBinding>()

    struct ExpiredBinding {
        var table: String
        var aor: String
        var contact: LocationContact
        var now: Int
    }

    private static let request: [UInt8] = Array((
        "OPTIONS sip:you@kamailio.org SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1\r\n" +
        "From: <sip:you@kamailio.org>;tag=123\r\n" +
        "To: <sip:you@kamailio.org>\r\n" +
        "Call-ID: 123\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n").utf8)

    static func run(
        _ gone: [(table: String, aor: String, contact: LocationContact)], now: Int, script: CompiledScript?,
        services: RuntimeServices, worker: WorkerScriptState? = nil
    ) {
        guard !gone.isEmpty, let script, script.hasRoute(route),
              let message = try? SIPMessage.parse(request) else { return }
        let worker = worker ?? WorkerScriptState(logger: services.logger)
        worker.runtime = services
        let here = SocketAddressText(ip: "127.0.0.1", port: 5060)
        for entry in gone {
            let receive = ReceiveInfo(proto: .udp, source: here, local: here, reply: NoReplies())
            let context = ScriptContext(message: message, receive: receive, worker: worker, routeType: .event)
            context[key] = ExpiredBinding(table: entry.table, aor: entry.aor, contact: entry.contact, now: now)
            _ = script.run(route, context)
        }
    }
}

/// Replies made in an event route have nobody to go to.
private final class NoReplies: ReplyChannel, @unchecked Sendable {
    func send(_ bytes: [UInt8]) {}
}
