import Atomics
import Logging
import SIPCore
import SIPTransport
import TernScript

/// One worker thread's path from received bytes to the script: parse, reject what cannot
/// be routed (400 with the reason when a reply can be formed, otherwise dropped and
/// counted), then run the request or reply route. Holds the worker's script state
/// (`$var` values persist across messages, as in a Kamailio worker process).
final class MessageRouter: InboundWorker {
    private let services: RuntimeServices
    private let state = WorkerScriptState()
    private let limits: SIPParseLimits
    /// Used by this worker's thread only.
    @exclusivity(unchecked) private var scriptCache = WorkerScriptCache()

    init(services: RuntimeServices) {
        self.services = services
        self.limits = services.settings.stream.limits
        state.runtime = services
    }

    func handle(_ bytes: [UInt8], from receive: ReceiveInfo) -> Bool {
        let message: SIPMessage
        do {
            message = try SIPMessage.parse(bytes, limits: limits)
        } catch {
            services.core.badMessages.increment()
            return rejectUnparsable(bytes, error: error, receive: receive)
        }
        switch message.kind {
        case .request:
            return routeRequest(message, receive)
        case .response:
            return routeReply(message, receive)
        case .httpRequest:
            return routeHTTPRequest(message, receive)
        }
    }

    private func routeRequest(_ message: SIPMessage, _ receive: ReceiveInfo) -> Bool {
        services.core.receivedRequests.increment()
        services.core.detail.countReceivedRequest(message)
        do {
            try message.validate()
        } catch {
            services.core.badMessages.increment()
            services.core.errorRequests.increment()
            // Never answer an ACK (RFC 3261 §17.1.1.3), and not what cannot carry a reply.
            guard error.canReply, !message.methodIs(.ack) else { return receive.proto == .udp }
            sendErrorReply(for: message, error: error, receive: receive)
            return true
        }
        guard let script = scriptCache.current(services) else { return true }
        let context = ScriptContext(message: message, receive: receive, worker: state, routeType: .request)
        _ = script._withUnsafeGuaranteedRef { $0.run(.request, context) }
        return true
    }

    /// HTTP on the SIP ports goes to the modules that serve it (jsonrpcs, xhttp); without
    /// any, the connection is closed as before. A request no handler takes gets 404.
    private func routeHTTPRequest(_ message: SIPMessage, _ receive: ReceiveInfo) -> Bool {
        guard !services.httpHandlers.isEmpty else {
            services.core.droppedRequests.increment()
            return false
        }
        do {
            try message.validate()
        } catch {
            HTTPResponse(status: error.statusCode, reason: error.reason, contentType: "text/plain", body: error.reason + "\n")
                .send(answering: message, over: receive, serverHeader: services.settings.serverHeader)
            receive.reply.close()
            return true
        }
        for handler in services.httpHandlers where handler.handle(message, receive, worker: state) {
            return true
        }
        HTTPResponse(status: 404, reason: "Not Found", contentType: "text/plain", body: "Not Found\n")
            .send(answering: message, over: receive, serverHeader: services.settings.serverHeader)
        return true
    }

    private func routeReply(_ message: SIPMessage, _ receive: ReceiveInfo) -> Bool {
        services.core.receivedReplies.increment()
        services.core.detail.countReceivedReply(message)
        do {
            try message.validate()
        } catch {
            // A malformed reply is dropped silently (RFC 4475 §3.1.2.5, §3.1.2.19).
            services.core.badMessages.increment()
            services.core.errorReplies.increment()
            return true
        }
        if let script = scriptCache.current(services),
           script._withUnsafeGuaranteedRef({ $0.hasRoute(.coreReply) }) {
            let context = ScriptContext(message: message, receive: receive, worker: state, routeType: .coreReply)
            // `drop` in reply_route stops the reply here (Kamailio's core does the same).
            if script._withUnsafeGuaranteedRef({ $0.run(.coreReply, context) }).dropped { return true }
        }
        for consumer in services.replyConsumers where consumer.consume(message, receive, worker: state) {
            return true
        }
        // No transaction claimed it: relay it by its Via headers, as Kamailio's core does.
        let myself = scriptCache.current(services)?._withUnsafeGuaranteedRef { $0.myself }
        switch StatelessReplyRelay.relay(message, services: services, myself: myself) {
        case .relayed:
            break
        case .notOurs, .noNextHop, .unresolvable, .sendFailed:
            services.core.droppedReplies.increment()
        }
        return true
    }

    private func sendErrorReply(for message: SIPMessage, error: SIPParseError, receive: ReceiveInfo) {
        let reply = SIPReplyBuilder.build(
            for: message, code: error.statusCode, reason: error.reason,
            toTag: services.localTags.tag(for: message), receivedFrom: receive.source,
            serverHeader: services.settings.serverHeader)
        ReplyDestination.channel(for: message, receive).send(reply)
        services.core.sentReplies.increment()
        services.logger.debug("rejected request from \(receive.source.ip):\(receive.source.port): \(error.statusCode) \(error.reason)")
    }

    /// A message whose structure could not be found: answered only when the raw header
    /// lines still carry what a reply needs, and only for requests.
    private func rejectUnparsable(_ bytes: [UInt8], error: SIPParseError, receive: ReceiveInfo) -> Bool {
        services.logger.debug("bad message from \(receive.source.ip):\(receive.source.port): \(error.reason)")
        if error.canReply,
           let reply = SIPReplyBuilder.buildFromBrokenRequest(
               bytes, code: error.statusCode, reason: error.reason,
               receivedFrom: receive.source, serverHeader: services.settings.serverHeader) {
            receive.reply.send(reply)
            services.core.sentReplies.increment()
        }
        // On a stream the framing after garbage cannot be trusted.
        return receive.proto == .udp
    }
}

/// Gives each transport worker thread its own router.
struct MessageRouterFactory: InboundWorkerFactory {
    let services: RuntimeServices

    func makeWorker(role: WorkerRole) -> InboundWorker {
        services.processes.add(role.description)
        return MessageRouter(services: services)
    }
}

extension MessageRouter {
    /// A stream whose framing broke (oversized, bad or missing Content-Length): answered
    /// with the framing error when the header lines allow a reply; the caller then closes.
    static func answerFramingError(_ error: SIPParseError, head: [UInt8], receive: ReceiveInfo, services: RuntimeServices) {
        services.core.badMessages.increment()
        guard error.canReply,
              let reply = SIPReplyBuilder.buildFromBrokenRequest(
                  head, code: error.statusCode, reason: error.reason,
                  receivedFrom: receive.source, serverHeader: services.settings.serverHeader)
        else { return }
        receive.reply.send(reply)
        services.core.sentReplies.increment()
    }
}
