import SIPCore
import SIPTransport
import TernScript

/// Kamailio's stateless `forward()`: the request goes to its next hop with our Via on top
/// (a branch computed from the request, so retransmissions repeat it), the received/rport
/// the previous hop needs, and the script's edits; onsend_route may still stop it. Nothing
/// is remembered: replies find their way back through the Via headers.
public enum StatelessForwarder {
    /// Where to send, when the script names it (`forward(host, port)`, `forward_tcp()` …);
    /// nil parts come from the next-hop URI.
    public struct Destination: Sendable {
        public var host: String?
        public var port: Int?
        public var proto: TransportProtocol?

        public init(host: String? = nil, port: Int? = nil, proto: TransportProtocol? = nil) {
            self.host = host
            self.port = port
            self.proto = proto
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        case notARequest
        case unresolvable(String)
        case noSocket(SendTarget)
        case droppedByOnSend
        case sendFailed(SendTarget)
    }

    /// Forwards the request of `context`. On success returns where it went.
    @discardableResult
    public static func forward(_ context: ScriptContext, to destination: Destination = Destination(),
                               services: RuntimeServices) -> Result<SendTarget, Failure> {
        let message = context.message
        guard message.kind == .request else { return .failure(.notARequest) }
        let nextHop = context.nextHopURI
        guard let target = resolve(nextHop, destination, services.resolver) else {
            return .failure(.unresolvable(destination.host ?? nextHop))
        }
        let forced = context.forcedListenAddress
        guard let local = services.sendPath.localAddress(toward: target, from: forced) else {
            return .failure(.noSocket(target))
        }
        var edits = context.edits
        ViaReceivedParameters.add(to: &edits, message: message, source: context.receive.source,
                                  forceRport: context.sendOptions.contains(.forceRport))
        let branch = StatelessBranch.make(for: message, target: target)
        let connectionID = context.receive.proto.isStream ? services.sendPath.connectionID(of: context.receive.reply) : nil
        let via = ViaLine.make(proto: target.proto, sentBy: local, branch: branch,
                               rport: context.sendOptions.contains(.addLocalRport), connectionID: connectionID)
        let bytes = OutgoingRequest.build(message, edits: edits, requestURI: context.newRequestURI, topVia: via)
        guard OnSendRoute.allows(bytes, to: target, from: local, context: context, services: services) else {
            return .failure(.droppedByOnSend)
        }
        var behaviour: SendBehaviour = []
        if context.sendOptions.contains(.forwardNoConnect) { behaviour.insert(.noConnect) }
        if context.sendOptions.contains(.closeAfterForward) { behaviour.insert(.closeAfter) }
        guard services.sendPath.send(bytes, to: target, from: forced, behaviour: behaviour, connectionID: nil) else {
            return .failure(.sendFailed(target))
        }
        services.core.detail.forwardedRequests.increment()
        return .success(target)
    }

    /// The first address of the destination (RFC 3263 gives a list; without DNS failover
    /// Kamailio uses the first).
    static func resolve(_ nextHop: String, _ destination: Destination, _ resolver: TargetResolver) -> SendTarget? {
        if let host = destination.host {
            return resolver.resolve(host: host, port: destination.port, proto: destination.proto).first
        }
        guard let proto = destination.proto else { return resolver.resolve(uri: nextHop).first }
        // forward_tcp() and friends without a host: the next hop's host and port, this transport.
        guard let parts = NextHopURI(nextHop) else { return nil }
        return resolver.resolve(host: parts.host, port: destination.port ?? parts.port, proto: proto).first
    }
}
