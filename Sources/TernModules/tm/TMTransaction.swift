#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import SIPTransaction
import SIPTransport
import TernRuntime
import TernScript

/// One tm transaction: the server transaction of a received request, the client transactions
/// of its branches, the §16.7 response context, and what the script set for later routes
/// (failure/reply/branch route names, AVPs, the request state at t_relay time).
///
/// Locking, as Kamailio's: the table's bucket lock covers only finding, adding and removing
/// transactions; everything else happens under this transaction's own `replyLock` (recursive,
/// because failure_route may t_relay or t_reply on the transaction it runs for). What is
/// decided under the lock is sent after it is released (`TMTransactionLock`).
final class TMTransaction: @unchecked Sendable {
    let id: TransactionID
    let key: RequestMatchKey
    let request: SIPMessage
    let receive: ReceiveInfo
    let isInvite: Bool
    /// Where replies to the request go (RFC 3261 §18.2.2, force_rport taken into account).
    let replyChannel: ReplyChannel
    let replyLock: TMTransactionLock
    // The fields below change under `replyLock` only (`freed` also under the bucket lock):
    // the runtime exclusivity checks would only repeat what the lock guarantees.
    @exclusivity(unchecked) var server: ServerMachine
    @exclusivity(unchecked) var responses: ProxyResponseContext
    @exclusivity(unchecked) var branches: [TMBranch] = []
    /// The request's state when it was relayed: what failure_route starts from.
    @exclusivity(unchecked) var saved = SavedRequestState()
    /// AVPs and XAVPs live with the transaction: failure and reply routes see the same lists.
    @exclusivity(unchecked) var avps: AVPList
    @exclusivity(unchecked) var xavps: XAVPList

    @exclusivity(unchecked) var onFailure: String?
    @exclusivity(unchecked) var onReply: String?
    @exclusivity(unchecked) var onBranch: String?
    /// t_set_fr overrides (milliseconds); nil = the module's value.
    @exclusivity(unchecked) var frTimer: Int64?
    @exclusivity(unchecked) var frInvTimer: Int64?
    @exclusivity(unchecked) var canceled = false
    /// Set while failure_route runs (t_relay there adds branches, t_reply answers).
    @exclusivity(unchecked) var inFailureRoute = false
    /// A final reply went upstream (relayed or local).
    @exclusivity(unchecked) var finalSent: Int?
    /// The To-tag of our local replies, once made (TMCore.localToTag).
    @exclusivity(unchecked) var localToTag: String?
    /// Removed from the table.
    @exclusivity(unchecked) var freed = false
    /// Created by a local reply or a relay; counted in `active` until the final is sent.
    @exclusivity(unchecked) var countedActive = false
    /// A CANCEL that arrived for this INVITE.
    @exclusivity(unchecked) var cancelRequest: SIPMessage?
    /// Suspension and registered callbacks (TMAsyncState.swift).
    @exclusivity(unchecked) var asyncState = TMTransactionAsyncState()

    init(id: TransactionID, key: RequestMatchKey, request: SIPMessage, receive: ReceiveInfo, replyChannel: ReplyChannel,
         timers: TransactionTimerValues, avps: AVPList, xavps: XAVPList, core: TMCore) {
        self.id = id
        self.replyLock = TMTransactionLock(core: core, replyChannel: replyChannel)
        self.key = key
        self.request = request
        self.receive = receive
        self.isInvite = request.methodIs(.invite)
        self.replyChannel = replyChannel
        let reliable = receive.proto.isReliable
        server = isInvite ? .invite(InviteServerTransaction(reliable: reliable, timers: timers))
                          : .nonInvite(NonInviteServerTransaction(reliable: reliable, timers: timers))
        responses = ProxyResponseContext(isInvite: isInvite)
        self.avps = avps
        self.xavps = xavps
    }

    /// The server machine and every branch machine are done: the transaction may go.
    var isFinished: Bool {
        server.isTerminated && branches.allSatisfy { $0.isFinished }
    }
}

/// The request state a transaction keeps for failure_route and later branches.
struct SavedRequestState {
    var newRequestURI: String?
    var destinationURI: String?
    var edits = EditList()
    var messageFlags: UInt32 = 0
    var requestBranchFlags: UInt32 = 0
    var sendOptions: SendOptions = []
    var forcedSendSocket: String?
    var replyHeaders: [UInt8] = []

    init() {}

    init(_ context: ScriptContext) {
        newRequestURI = context.newRequestURI
        destinationURI = context.destinationURI
        edits = context.edits
        messageFlags = context.messageFlags
        requestBranchFlags = context.requestBranchFlags
        sendOptions = context.sendOptions
        forcedSendSocket = context.forcedSendSocket
        replyHeaders = context.replyHeaders
    }

    func restore(into context: ScriptContext) {
        context.newRequestURI = newRequestURI
        context.destinationURI = destinationURI
        context.edits = edits
        context.messageFlags = messageFlags
        context.requestBranchFlags = requestBranchFlags
        context.sendOptions = sendOptions
        context.forcedSendSocket = forcedSendSocket
        context.replyHeaders = replyHeaders
    }
}

/// The server side: INVITE or not.
enum ServerMachine {
    case invite(InviteServerTransaction)
    case nonInvite(NonInviteServerTransaction)

    var isTerminated: Bool {
        switch self {
        case .invite(let m): return m.state == .terminated
        case .nonInvite(let m): return m.state == .terminated
        }
    }

    var lastCode: Int {
        switch self {
        case .invite(let m): return m.lastCode
        case .nonInvite(let m): return m.lastCode
        }
    }

    mutating func retransmission() -> [TransactionAction] {
        switch self {
        case .invite(var m):
            let actions = m.handle(.retransmission)
            self = .invite(m)
            return actions
        case .nonInvite(var m):
            let actions = m.handle(.retransmission)
            self = .nonInvite(m)
            return actions
        }
    }

    mutating func send(code: Int, bytes: [UInt8]) -> [TransactionAction] {
        switch self {
        case .invite(var m):
            let actions = m.handle(.sendResponse(code: code, bytes: bytes))
            self = .invite(m)
            return actions
        case .nonInvite(var m):
            let actions = m.handle(.sendResponse(code: code, bytes: bytes))
            self = .nonInvite(m)
            return actions
        }
    }

    mutating func ack() -> [TransactionAction] {
        guard case .invite(var m) = self else { return [] }
        let actions = m.handle(.ack)
        self = .invite(m)
        return actions
    }

    mutating func timer(_ timer: TransactionTimer) -> [TransactionAction] {
        switch self {
        case .invite(var m):
            let actions = m.handle(.timer(timer))
            self = .invite(m)
            return actions
        case .nonInvite(var m):
            let actions = m.handle(.timer(timer))
            self = .nonInvite(m)
            return actions
        }
    }

    /// Ends a server transaction that will never send anything (t_release, a CANCELed
    /// INVITE's CANCEL being answered elsewhere): the transaction may be freed.
    mutating func forceTerminate() -> [TransactionAction] {
        switch self {
        case .invite(let m) where m.state == .proceeding:
            var done = m
            _ = done.handle(.transportError)
            self = .invite(done)
            return [.terminated]
        case .nonInvite(let m) where m.state != .terminated && m.state != .completed:
            var done = m
            _ = done.handle(.transportError)
            self = .nonInvite(done)
            return [.terminated]
        default:
            return []
        }
    }
}

/// The client side of one branch.
enum ClientMachine {
    case none
    case invite(InviteClientTransaction)
    case nonInvite(NonInviteClientTransaction)

    var isPending: Bool {
        switch self {
        case .none: return false
        case .invite(let m): return m.state == .calling || m.state == .proceeding
        case .nonInvite(let m): return m.state == .trying || m.state == .proceeding
        }
    }

    var isTerminated: Bool {
        switch self {
        case .none: return true
        case .invite(let m): return m.state == .terminated
        case .nonInvite(let m): return m.state == .terminated
        }
    }

    mutating func handle(_ event: ClientEvent) -> [TransactionAction] {
        switch self {
        case .none:
            return []
        case .invite(var m):
            let e: InviteClientTransaction.Event
            switch event {
            case .start: e = .start
            case .response(let c): e = .response(code: c)
            case .timer(let t): e = .timer(t)
            case .transportError: e = .transportError
            case .stop: e = .stop
            }
            let actions = m.handle(e)
            self = .invite(m)
            return actions
        case .nonInvite(var m):
            let e: NonInviteClientTransaction.Event
            switch event {
            case .start: e = .start
            case .response(let c): e = .response(code: c)
            case .timer(let t): e = .timer(t)
            case .transportError: e = .transportError
            case .stop: return []
            }
            let actions = m.handle(e)
            self = .nonInvite(m)
            return actions
        }
    }
}

enum ClientEvent {
    case start, response(Int), timer(TransactionTimer), transportError, stop
}

/// One branch of a transaction: where it went, the bytes sent, its client transaction, and
/// its CANCEL when one is sent.
final class TMBranch {
    let index: Int
    let uri: String
    let destinationURI: String?
    let target: SendTarget
    let local: ListenAddress?
    let requestBytes: [UInt8]
    /// Our Via line's branch value.
    let viaBranch: String
    // Changed under the transaction's `replyLock` only: no runtime exclusivity checks.
    @exclusivity(unchecked) var client: ClientMachine
    /// The last final reply received (what may be relayed upstream).
    @exclusivity(unchecked) var finalReply: SIPMessage?
    /// The last status code received.
    @exclusivity(unchecked) var lastReplyCode = 0
    /// onreply_route's changes to `finalReply`, applied when it is relayed.
    @exclusivity(unchecked) var finalReplyEdits = EditList()
    /// The ACK for a non-2xx final reply, built once.
    @exclusivity(unchecked) var ackBytes: [UInt8]?
    @exclusivity(unchecked) var cancel: NonInviteClientTransaction?
    /// CANCEL asked before any reply came: sent when the first provisional arrives.
    @exclusivity(unchecked) var cancelPending = false
    @exclusivity(unchecked) var flags: UInt32

    init(index: Int, uri: String, destinationURI: String?, target: SendTarget, local: ListenAddress?,
         requestBytes: [UInt8], viaBranch: String, client: ClientMachine, flags: UInt32) {
        self.index = index
        self.uri = uri
        self.destinationURI = destinationURI
        self.target = target
        self.local = local
        self.requestBytes = requestBytes
        self.viaBranch = viaBranch
        self.client = client
        self.flags = flags
    }

    var isFinished: Bool {
        client.isTerminated && (cancel.map { $0.state == .terminated } ?? true)
    }
}
