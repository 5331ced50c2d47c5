import SIPCore
import SIPTransaction
import SIPTransport
import TernRuntime
import TernScript

/// Requests Tern sends on its own behalf (tm's t_uac: t_uac_dlg, t_uac_from, tm.t_uac_start,
/// in-dialog BYE/REFER): each is a client transaction of its own (RFC 3261 §17.1) with no
/// server side — retransmitted, timed out with a local 408 (fr_timer; fr_inv_timer after a
/// provisional for INVITE), completed by its final reply. The ACK for a 2xx to an INVITE is
/// ours (as Kamailio's tm does): made from the dialog the 2xx set up and sent along its route
/// set; an ACK for the same Call-ID and CSeq the management client sends later is that ACK
/// already sent. Our Via branch ("z9hG4bKuac…") is told apart from the proxy's, so replies
/// reach this consumer after the proxy engine declined them.
final class TMLocalRequests: ReplyConsumer, @unchecked Sendable {
    private let services: RuntimeServices
    private let settings: TMSettings
    private let timers: TMTimers
    private let lock = Lock()
    private var table: [UInt32: TMLocalTransaction] = [:]
    private var nextLabel: UInt32 = 1
    /// "Call-ID CSeq" of INVITEs whose 2xx we acknowledged, with when (milliseconds).
    private var acknowledged: [String: Int64] = [:]
    private static let branchPrefix: [UInt8] = Array("z9hG4bKuac".utf8)
    /// The hash index every local transaction id carries (labels tell them apart).
    static let hashIndex: UInt32 = 0xFFFF_FFFF

    init(services: RuntimeServices, settings: TMSettings, timers: TMTimers) {
        self.services = services
        self.settings = settings
        self.timers = timers
    }

    var count: Int { lock.withLock { table.count } }

    // MARK: starting

    enum StartFailure: Error, CustomStringConvertible {
        case unresolvable(String)
        case noSocket(String)
        case badRequest(String)

        var description: String {
            switch self {
            case .unresolvable(let uri): return "cannot resolve \(uri)"
            case .noSocket(let target): return "no local socket toward \(target)"
            case .badRequest(let why): return why
            }
        }
    }

    func start(_ request: LocalRequest, completion: @escaping @Sendable (LocalRequestOutcome) -> Void) -> Result<Void, StartFailure> {
        let method = request.method.uppercased()
        guard !method.isEmpty, !request.requestURI.isEmpty else { return .failure(.badRequest("method and request URI are required")) }
        // A CANCEL must carry its INVITE's branch (RFC 3261 §9.1): it is no request of its own.
        guard method != "CANCEL" else { return .failure(.badRequest("CANCEL cannot be sent as a new request")) }
        let hop = nextHop(request)
        guard let target = services.resolver.resolve(uri: hop).first else { return .failure(.unresolvable(hop)) }
        guard let local = services.sendPath.localAddress(toward: target) else { return .failure(.noSocket(target.description)) }
        let label = lock.withLock { () -> UInt32 in
            defer { nextLabel = nextLabel == UInt32.max - 1 ? 1 : nextLabel + 1 }
            return nextLabel
        }
        let branch = "z9hG4bKuac" + String(label, radix: 16) + "." + TMLocalRequestMessage.randomHex(8)
        let via = ViaLine.make(proto: target.proto, sentBy: local, branch: branch, rport: true)
        let built: TMLocalRequestMessage.Built
        switch TMLocalRequestMessage.build(request, viaLine: via, localHost: local.host) {
        case .success(let b): built = b
        case .failure(.missingHeader(let name)): return .failure(.badRequest("\(name) missing"))
        case .failure(.badCSeq): return .failure(.badRequest("non-numerical CSeq"))
        }

        if method == "ACK" {
            // An ACK is no transaction: sent once, unless it is the one we sent for the 2xx.
            if !alreadyAcknowledged(callID: built.callID, cseq: built.cseqNumber) {
                _ = services.sendPath.send(built.bytes, to: target)
            }
            completion(LocalRequestOutcome(code: 200, reason: "ACK sent", reply: []))
            return .success(())
        }

        var timerValues = settings.timerValues
        timerValues.inviteTimeout = settings.frTimer
        timerValues.nonInviteTimeout = settings.frTimer
        let reliable = target.proto.isReliable
        let client: ClientMachine = method == "INVITE"
            ? .invite(InviteClientTransaction(request: built.bytes, reliable: reliable, timers: timerValues,
                                              proceedingTimeout: settings.frInvTimer,
                                              restartTimeoutOnProvisional: settings.restartFrOnEachReply))
            : .nonInvite(NonInviteClientTransaction(request: built.bytes, reliable: reliable, timers: timerValues))
        let id = TransactionID(hashIndex: Self.hashIndex, label: label)
        let t = TMLocalTransaction(id: id, method: method, branch: Array(branch.utf8), target: target,
                                   requestBytes: built.bytes, client: client, completion: completion)
        lock.withLock { table[label] = t }
        let outcome = t.lock.withLock { () -> LocalRequestOutcome? in
            run(t.client.handle(.start), on: t)
        }
        if let outcome { finish(t, outcome) }
        return .success(())
    }

    /// Where the request goes first: the given next hop, else a loose first Route, else the
    /// R-URI (RFC 3261 §8.1.2).
    private func nextHop(_ request: LocalRequest) -> String {
        if let hop = request.nextHop, !hop.isEmpty, hop != "." { return Self.asURI(hop) }
        for line in TMLocalRequestMessage.headerLines(request.headers) {
            guard let colon = line.firstIndex(of: ":"),
                  TMLocalRequestMessage.canonicalName(String(line[..<colon])) == "route",
                  let first = HeaderValueList.split(String(line[line.index(after: colon)...])).first
            else { continue }
            if LocalDialog.isLooseRoute(first) { return LocalDialog.uri(in: first) }
            break
        }
        return request.requestURI
    }

    private static func asURI(_ text: String) -> String {
        let lower = text.lowercased()
        return lower.hasPrefix("sip:") || lower.hasPrefix("sips:") ? text : "sip:" + text
    }

    // MARK: the machine's actions

    /// Carries out actions under `t.lock`; returns the outcome to deliver, if the transaction
    /// just ended without a final reply (timeout, transport error).
    private func run(_ actions: [TransactionAction], on t: TMLocalTransaction) -> LocalRequestOutcome? {
        var outcome: LocalRequestOutcome?
        for action in actions {
            switch action {
            case .send(let bytes):
                if !services.sendPath.send(bytes, to: t.target) {
                    services.logger.debug("tm: sending a local \(t.method) to \(t.target) failed")
                }
            case .startTimer(let timer, let after):
                timers.start(key(t, timer), after: after)
            case .cancelTimer(let timer):
                timers.cancel(key(t, timer))
            case .timeout:
                if case .invite(let m) = t.client, m.lastProvisional > 0 {
                    // A provisional came, no final: the callee is told to stop ringing.
                    if let request = try? SIPMessage.parse(t.requestBytes) {
                        _ = services.sendPath.send(HopRequest.cancel(for: request), to: t.target)
                    }
                }
                if !t.completed {
                    t.completed = true
                    outcome = LocalRequestOutcome(code: 408, reason: "Request Timeout", reply: [])
                }
            case .transportError:
                if !t.completed {
                    t.completed = true
                    outcome = LocalRequestOutcome(code: 503, reason: "Service Unavailable", reply: [])
                }
            case .sendACK:
                if t.ackBytes == nil, let reply = t.finalReply, let request = try? SIPMessage.parse(t.requestBytes) {
                    t.ackBytes = HopRequest.ack(for: request, reply: reply)
                }
                if let ack = t.ackBytes { _ = services.sendPath.send(ack, to: t.target) }
            case .terminated:
                timers.cancelAll(t.id)
                _ = lock.withLock { table.removeValue(forKey: t.id.label) }
            case .deliverResponse, .ackTimeout:
                break
            }
        }
        return outcome
    }

    private func key(_ t: TMLocalTransaction, _ timer: TransactionTimer) -> TMTimerKey {
        TMTimerKey(transaction: t.id, owner: .branch(0), timer: timer)
    }

    private func finish(_ t: TMLocalTransaction, _ outcome: LocalRequestOutcome) {
        // Outside every lock: the completion may write to a FIFO or start the next request.
        t.completion(outcome)
    }

    /// A timer of a local transaction fired (the async wheel's thread).
    func fire(_ key: TMTimerKey) {
        guard let t = lock.withLock({ table[key.transaction.label] }), t.id == key.transaction else { return }
        let outcome = t.lock.withLock { run(t.client.handle(.timer(key.timer)), on: t) }
        if let outcome { finish(t, outcome) }
    }

    // MARK: replies

    func consume(_ reply: SIPMessage, _ receive: ReceiveInfo, worker: WorkerScriptState) -> Bool {
        guard let via = try? reply.topVia(), let range = via.branch else { return false }
        let value = reply.bytes[range]
        guard value.starts(with: Self.branchPrefix), let label = Self.label(in: value.dropFirst(Self.branchPrefix.count)),
              let t = lock.withLock({ table[label] }), value.elementsEqual(t.branch)
        else { return false }
        if (try? reply.cseq())?.method == .cancel { return true }
        let code = reply.statusCode
        var delivered: LocalRequestOutcome?
        var ack: (bytes: [UInt8], target: SendTarget)?
        let ended = t.lock.withLock { () -> LocalRequestOutcome? in
            let actions = t.client.handle(.response(code))
            for action in actions {
                guard case .deliverResponse(let c) = action else { continue }
                if c >= 200 { t.finalReply = reply }
                if t.method == "INVITE", (200 ..< 300).contains(c) { ack = acknowledgment(for: reply) }
                if c >= 200, !t.completed {
                    t.completed = true
                    delivered = LocalRequestOutcome(code: c, reason: reply.string(reply.reasonRange), reply: reply.bytes)
                }
            }
            return run(actions.filter { if case .deliverResponse = $0 { return false } else { return true } }, on: t)
        }
        // The ACK first: the dialog's next request (REFER, BYE) must not overtake it.
        if let ack { _ = services.sendPath.send(ack.bytes, to: ack.target) }
        if let delivered { finish(t, delivered) }
        if let ended { finish(t, ended) }
        return true
    }

    /// The ACK for a 2xx (RFC 3261 §13.2.2.4): a new request inside the dialog the 2xx set up,
    /// to its remote target along its route set.
    private func acknowledgment(for reply: SIPMessage) -> (bytes: [UInt8], target: SendTarget)? {
        guard var dialog = LocalDialog(reply: reply.bytes) else { return nil }
        let request = dialog.request(method: "ACK")
        let hop = nextHop(request)
        guard let target = services.resolver.resolve(uri: hop).first,
              let local = services.sendPath.localAddress(toward: target) else { return nil }
        let branch = "z9hG4bKuacack" + TMLocalRequestMessage.randomHex(12)
        let via = ViaLine.make(proto: target.proto, sentBy: local, branch: branch, rport: true)
        guard case .success(let built) = TMLocalRequestMessage.build(request, viaLine: via, localHost: local.host) else { return nil }
        noteAcknowledged(callID: built.callID, cseq: built.cseqNumber)
        return (built.bytes, target)
    }

    private func noteAcknowledged(callID: String, cseq: UInt32) {
        let now = timers.clock.nowMilliseconds()
        let horizon = 64 * settings.t1
        lock.withLock {
            if acknowledged.count > 256 { acknowledged = acknowledged.filter { now - $0.value < horizon } }
            acknowledged["\(callID) \(cseq)"] = now
        }
    }

    private func alreadyAcknowledged(callID: String, cseq: UInt32) -> Bool {
        let now = timers.clock.nowMilliseconds()
        return lock.withLock {
            guard let when = acknowledged["\(callID) \(cseq)"] else { return false }
            return now - when < 64 * settings.t1
        }
    }

    /// The label in "<hex label>.<random>".
    private static func label(in bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") { break }
            let nibble: UInt32
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): nibble = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): nibble = UInt32(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            digits += 1
            guard digits <= 8 else { return nil }
            value = value << 4 | nibble
        }
        return digits > 0 ? value : nil
    }
}

/// One local client transaction.
final class TMLocalTransaction: @unchecked Sendable {
    let id: TransactionID
    let method: String
    let branch: [UInt8]
    let target: SendTarget
    let requestBytes: [UInt8]
    let lock = Lock()
    var client: ClientMachine
    let completion: @Sendable (LocalRequestOutcome) -> Void
    var completed = false
    var finalReply: SIPMessage?
    var ackBytes: [UInt8]?

    init(id: TransactionID, method: String, branch: [UInt8], target: SendTarget, requestBytes: [UInt8],
         client: ClientMachine, completion: @escaping @Sendable (LocalRequestOutcome) -> Void) {
        self.id = id
        self.method = method
        self.branch = branch
        self.target = target
        self.requestBytes = requestBytes
        self.client = client
        self.completion = completion
    }
}

// MARK: - TransactionService

extension TMModule {
    func startRequest(_ request: LocalRequest, completion: @escaping @Sendable (LocalRequestOutcome) -> Void) -> Bool {
        guard let engine, let requests = engine.asyncState.localRequests else { return false }
        engine.asyncState.ensureRunning()
        switch requests.start(request, completion: completion) {
        case .success:
            engine.statistics.clientTransactions.increment()
            return true
        case .failure(let why):
            engine.logger.error("tm: local \(request.method) to \(request.requestURI) not sent: \(why)")
            return false
        }
    }
}
