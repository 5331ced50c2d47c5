import SIPCore
import SIPTransport
import TernScript

/// Kamailio's onsend_route: run just before a request leaves, with the outgoing bytes and
/// the destination visible (`$snd(ip)`, `$snd(port)`, `$snd(proto)`, `$snd(buf)`,
/// `$snd(len)`); `drop` there stops the send.
public enum OnSendRoute {
    /// True when the message may be sent: no onsend_route, or it ran without `drop`. `local`
    /// is the socket the sender chose (after force_send_socket), which `$snd(sip)` shows.
    public static func allows(_ bytes: [UInt8], to target: SendTarget, from local: ListenAddress,
                              context: ScriptContext, services: RuntimeServices) -> Bool {
        guard let script = services.script, script.hasRoute(.onSend) else { return true }
        let routeContext = ScriptContext(message: context.message, receive: context.receive,
                                         worker: context.worker, routeType: .onSend)
        routeContext.messageFlags = context.messageFlags
        routeContext.newRequestURI = context.newRequestURI
        routeContext.destinationURI = context.destinationURI
        routeContext.sendOptions = context.sendOptions
        routeContext.forcedSendSocket = context.forcedSendSocket
        routeContext.avps = context.avps
        routeContext.xavps = context.xavps
        routeContext[OutgoingMessage.key] = OutgoingMessage(bytes: bytes, target: target, local: local)
        return !script.run(.onSend, routeContext).dropped
    }
}

/// What onsend_route sees of the message being sent.
public struct OutgoingMessage {
    public var bytes: [UInt8]
    public var target: SendTarget
    /// The socket it leaves from, when known.
    public var local: ListenAddress?

    public init(bytes: [UInt8], target: SendTarget, local: ListenAddress?) {
        self.bytes = bytes
        self.target = target
        self.local = local
    }

    /// Where onsend_route finds it on its context (`$snd`).
    public static let key = ScriptContextKey<OutgoingMessage>()
}
