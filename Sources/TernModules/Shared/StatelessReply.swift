// Shared by siputils (options_reply) and sanity: a stateless reply sent the way sl sends it —
// the request's reply headers (append_to_reply and the caller's own), Record-Route echoed in
// 18x/2xx, the local To-tag, and the destination RFC 3261 §18.2.2 / RFC 3581 choose.
import SIPCore
import TernRuntime
import TernScript

enum StatelessReply {
    /// Sends `code reason` for the request in `context`. False for replies and ACKs, which are
    /// never answered.
    @discardableResult
    static func send(_ context: ScriptContext, code: Int, reason: String, services: RuntimeServices) -> Bool {
        let request = context.message
        guard request.kind == .request, !request.methodIs(.ack) else { return false }
        var extra = context.replyHeaders
        // The UAC learns the route set from Record-Route in 18x/2xx (RFC 3261 §12.1.1).
        if (180...299).contains(code), request.firstHeader(.recordRoute) != nil {
            for field in request.headers where field.name == .recordRoute {
                extra += request.bytes[field.nameRange.lowerBound ..< field.valueRange.upperBound]
                extra += [13, 10]
            }
        }
        let bytes: [UInt8]
        if code > 100 {
            // The tag is written on the stack and copied straight into the reply.
            bytes = services.localTags.withTag(for: request) { tag in
                SIPReplyBuilder.build(
                    for: request, code: code, reason: reason, toTagBytes: tag,
                    receivedFrom: context.receive.source, extraHeaders: extra,
                    serverHeader: services.settings.serverHeader)
            }
        } else {
            bytes = SIPReplyBuilder.build(
                for: request, code: code, reason: reason, toTagBytes: nil,
                receivedFrom: context.receive.source, extraHeaders: extra,
                serverHeader: services.settings.serverHeader)
        }
        let channel = ReplyDestination.channel(
            for: request, context.receive, forceRport: context.sendOptions.contains(.forceRport),
            noConnect: context.sendOptions.contains(.replyNoConnect))
        channel.send(bytes)
        if context.sendOptions.contains(.closeAfterReply) { channel.close() }
        services.core.sentReplies.increment()
        return true
    }
}
