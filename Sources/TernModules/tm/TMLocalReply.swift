import SIPCore
import SIPTransport
import TernRuntime
import TernScript

/// Replies tm makes itself (t_reply, 100 Trying, 408 on timeout, 487 after CANCEL): built as
/// sl builds them, but sent through the server transaction, so a retransmitted request gets
/// the same reply again and a final one to an INVITE (2xx too) is retransmitted until the ACK.
extension TMCore {
    /// Sends `code reason` on the transaction. Called with its lock held.
    @discardableResult
    func sendLocalReply(_ t: TMTransaction, code: Int, reason: String, headers: [UInt8], worker: WorkerScriptState) -> Bool {
        guard (100 ... 699).contains(code) else { return false }
        if code >= 200, let sent = t.finalSent {
            worker.logger.error("tm: cannot send \(code): the transaction was already answered with \(sent)")
            return false
        }
        var extra = t.saved.replyHeaders + headers
        if (180 ... 299).contains(code) {
            // The UAC learns the route set from Record-Route in 18x/2xx (RFC 3261 §12.1.1).
            for field in t.request.headers where field.name == .recordRoute {
                extra += t.request.bytes[field.nameRange.lowerBound ..< field.valueRange.upperBound]
                extra += [13, 10]
            }
        }
        let bytes = SIPReplyBuilder.build(
            for: t.request, code: code, reason: reason, toTag: code > 100 ? localToTag(t) : nil,
            receivedFrom: t.receive.source, extraHeaders: extra, serverHeader: services.settings.serverHeader)
        statistics.repliesGenerated.increment()
        statistics.repliesSent.increment()
        services.core.sentReplies.increment()
        if code >= 200 {
            noteFinal(t, code: code)
            // A final answer ends the branches still trying (RFC 3261 §16.7 step 10 spirit).
            if t.isInvite {
                for i in t.branches.indices where t.branches[i].client.isPending { sendCancel(t, branch: i) }
            }
        }
        run(t.server.sendLocal(code: code, bytes: bytes), on: t, owner: .server, worker: worker)
        replySent(t, bytes, code: code)
        if t.saved.sendOptions.contains(.closeAfterReply) { t.replyLock.send(.closeReply) }
        return true
    }

    /// t_reply / sl's send_reply on a transaction: for the request route, failure route and
    /// reply routes. -1 when there is no transaction to answer.
    func reply(_ context: ScriptContext, code: Int, reason: String) -> Int {
        guard let t = transaction(of: context) else { return -1 }
        return t.replyLock.withLock { () -> Int in
            if context.routeType == .request {
                // Headers added by append_to_reply after the transaction was made count too.
                t.saved.replyHeaders = context.replyHeaders
            }
            let ok = sendLocalReply(t, code: code, reason: reason, headers: [], worker: context.worker)
            releaseIfFinished(t)
            return ok ? 1 : -1
        }
    }

    /// t_send_reply: makes the transaction when there is none yet, then replies (t_reply
    /// itself needs t_newtran or t_relay first, as in Kamailio).
    func sendReplyCreatingTransaction(_ context: ScriptContext, code: Int, reason: String) -> Int {
        if transaction(of: context) == nil {
            switch newTransaction(context) {
            case .created: break
            case .retransmission: return 0
            case .failed(let why):
                context.worker.logger.error("t_send_reply: \(why)")
                return -1
            }
        }
        return reply(context, code: code, reason: reason)
    }
}

/// Stateless forwarding of what has no transaction (the ACK for a 2xx): our Via on top with
/// a branch derived from the received one, so the same ACK again gets the same branch.
enum StatelessRequest {
    static func forward(_ context: ScriptContext, services: RuntimeServices, override: RelayOverride?) -> Bool {
        let targets: [SendTarget]
        if let override, let host = override.host {
            targets = services.resolver.resolve(host: host, port: override.port, proto: override.proto ?? context.receive.proto)
        } else {
            targets = services.resolver.resolve(uri: context.nextHopURI)
        }
        guard let target = targets.first else { return false }
        let forced = context.forcedListenAddress
        guard let local = services.sendPath.localAddress(toward: target, from: forced) else { return false }
        var seed: UInt32 = 2_166_136_261
        let message = context.message
        if let via = try? message.topVia(), let branch = via.branch {
            for b in message.bytes[branch] { seed = (seed ^ UInt32(b)) &* 16_777_619 }
        } else if let callID = try? message.callIDRange() {
            for b in message.bytes[callID] { seed = (seed ^ UInt32(b)) &* 16_777_619 }
        }
        // Written straight into the string's storage (this runs for every ACK of a 2xx).
        let branch = String(unsafeUninitializedCapacity: 9 + 8) { out in
            var n = 0
            for byte in "z9hG4bKsl".utf8 {
                out[n] = byte
                n += 1
            }
            let digits: StaticString = "0123456789abcdef"
            var started = false
            for shift in stride(from: 28, through: 0, by: -4) {
                let nibble = Int((seed >> UInt32(shift)) & 0xF)
                if nibble == 0 && !started && shift > 0 { continue }
                started = true
                out[n] = digits.utf8Start[nibble]
                n += 1
            }
            return n
        }
        let via = ViaLine.make(proto: target.proto, sentBy: local, branch: branch,
                               rport: context.sendOptions.contains(.addLocalRport))
        let bytes = OutgoingRequest.build(message, edits: context.edits, requestURI: context.newRequestURI, topVia: via)
        guard OnSendRoute.allows(bytes, to: target, from: local, context: context, services: services) else { return false }
        return services.sendPath.send(bytes, to: target, from: forced)
    }
}
