// The seam through which other modules reach tm (Kamailio's tm API, bound with `load_tm_api`):
// sl's send_reply answers statefully when a transaction exists, exec reads the transaction id
// (SIP_TID), and — filled in as they arrive — async modules suspend and continue transactions,
// acc and dialog register callbacks, and the management interface starts local requests.
//
// tm registers its implementation per server (`TransactionAPI.register`); a module finds it
// with `TransactionAPI.service(for: services)`, which is nil when tm is not loaded.
import SIPCore
import SIPTransaction
import TernRuntime
import TernScript

/// What tm offers other modules. Requirements beyond the first two have defaults that say
/// "not supported", so tm grows them without touching the callers' code.
public protocol TransactionService: AnyObject, Sendable {
    /// The transaction of the message in `context` ("hash:label"), nil when there is none:
    /// the request was not relayed or replied statefully yet (or it is not a tm route).
    func transactionID(of context: ScriptContext) -> TransactionID?

    /// Sends `code reason` statefully when the request in `context` has a transaction (and
    /// returns the function's result, 1 or -1); nil when it has none: the caller replies
    /// statelessly. Kamailio's sl `send_reply()` does exactly this.
    func replyIfStateful(_ context: ScriptContext, code: Int, reason: String) -> Int?

    // MARK: asynchronous processing (t_suspend / t_continue, seed 003)

    /// Creates the transaction if needed and parks it: no reply is sent, the fr timer keeps
    /// running (failure_route runs if nobody continues in time). Nil when it cannot.
    func suspend(_ context: ScriptContext) -> TransactionID?
    /// Runs `route[routeName]` on the saved request of a suspended transaction, as a failure
    /// route would (t_relay/t_reply allowed). False when the transaction is gone.
    func resume(_ id: TransactionID, routeName: String) -> Bool
    /// Forgets a suspension without running anything (t_cancel_suspend).
    func cancelSuspension(_ id: TransactionID) -> Bool

    // MARK: callbacks (acc, dialog …)

    /// Calls `callback` for the events in `events` of the transaction of `context` (made now for
    /// a request that has none yet), or with a nil context of every transaction. Callbacks run
    /// on the thread of the event, mostly with the transaction's reply lock held: they must not
    /// block. False when not supported or no transaction can be made (an ACK).
    func register(events: TransactionEvents, context: ScriptContext?, callback: @escaping TransactionCallback) -> Bool
    /// A context over the transaction's request as failure_route sees it (the message flags,
    /// R-URI, $du and AVPs saved with the transaction), for a callback that evaluates the
    /// config's pseudo-variables (acc's extra columns) or reads the flags. Nil when it is gone.
    func requestContext(of id: TransactionID, worker: WorkerScriptState) -> ScriptContext?
    /// Replaces the message flags saved with the transaction (acc clears its missed-call flags
    /// once it has reported, so a failure_route must set them again to report the next
    /// attempt). False when the transaction is gone.
    func setMessageFlags(_ flags: UInt32, of id: TransactionID) -> Bool

    // MARK: local requests (the UAC API: t_uac_dlg, t_uac_from, dialog BYEs)

    /// Starts a request of our own; `completion` gets the final reply (a 408 on timeout).
    /// False when it could not be sent.
    func startRequest(_ request: LocalRequest, completion: @escaping @Sendable (LocalRequestOutcome) -> Void) -> Bool
}

extension TransactionService {
    public func suspend(_ context: ScriptContext) -> TransactionID? { nil }
    public func resume(_ id: TransactionID, routeName: String) -> Bool { false }
    public func cancelSuspension(_ id: TransactionID) -> Bool { false }
    public func register(events: TransactionEvents, context: ScriptContext?, callback: @escaping TransactionCallback) -> Bool { false }
    public func requestContext(of id: TransactionID, worker: WorkerScriptState) -> ScriptContext? { nil }
    public func setMessageFlags(_ flags: UInt32, of id: TransactionID) -> Bool { false }
    public func startRequest(_ request: LocalRequest, completion: @escaping @Sendable (LocalRequestOutcome) -> Void) -> Bool { false }
}

/// tm callback kinds (Kamailio's TMCB_*), as a set.
public struct TransactionEvents: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// A new transaction was created for a request.
    public static let requestIn = TransactionEvents(rawValue: 1 << 0)
    /// A reply was received on a branch.
    public static let responseIn = TransactionEvents(rawValue: 1 << 1)
    /// A reply was sent upstream (relayed or local).
    public static let responseOut = TransactionEvents(rawValue: 1 << 2)
    /// Every branch failed (before failure_route runs).
    public static let onFailure = TransactionEvents(rawValue: 1 << 3)
    /// The transaction completed with a final reply upstream (acc logs here).
    public static let completed = TransactionEvents(rawValue: 1 << 4)
    /// The transaction is being destroyed.
    public static let destroyed = TransactionEvents(rawValue: 1 << 5)
    /// A CANCEL for the transaction arrived.
    public static let endToEndCancel = TransactionEvents(rawValue: 1 << 6)
}

/// What a callback is told.
public struct TransactionCallbackInfo {
    public var event: TransactionEvents
    public var transaction: TransactionID
    /// The request that created the transaction.
    public var request: SIPMessage
    /// The reply concerned (received, relayed or local), if any.
    public var reply: SIPMessage?
    /// Its status code (0 when none).
    public var code: Int

    public init(event: TransactionEvents, transaction: TransactionID, request: SIPMessage, reply: SIPMessage?, code: Int) {
        self.event = event
        self.transaction = transaction
        self.request = request
        self.reply = reply
        self.code = code
    }
}

public typealias TransactionCallback = (TransactionCallbackInfo) -> Void

/// A request Tern sends on its own behalf (tm's t_uac).
public struct LocalRequest: Sendable {
    public var method: String
    public var requestURI: String
    /// Where to send it instead of the R-URI's host (an outbound proxy), if anywhere.
    public var nextHop: String?
    /// Header lines (CRLF-separated) to include; From and To are required.
    public var headers: String
    public var body: [UInt8]

    public init(method: String, requestURI: String, nextHop: String? = nil, headers: String, body: [UInt8] = []) {
        self.method = method
        self.requestURI = requestURI
        self.nextHop = nextHop
        self.headers = headers
        self.body = body
    }
}

/// The final reply to a local request.
public struct LocalRequestOutcome: Sendable {
    public var code: Int
    public var reason: String
    /// The whole reply as received (empty for a local timeout).
    public var reply: [UInt8]

    public init(code: Int, reason: String, reply: [UInt8]) {
        self.code = code
        self.reason = reason
        self.reply = reply
    }
}

/// Where modules find tm's implementation for their server.
public enum TransactionAPI {
    /// Neither side is kept alive by the registry: a server (or a test harness) that goes
    /// away leaves an entry that no longer answers.
    private struct Entry {
        weak var runtime: RuntimeServices?
        weak var service: (any TransactionService)?
    }

    private static let lock = Lock()
    nonisolated(unsafe) private static var entries: [ObjectIdentifier: Entry] = [:]

    /// tm calls this from `configure`.
    public static func register(_ service: any TransactionService, for runtime: RuntimeServices) {
        lock.withLock {
            entries = entries.filter { $0.value.runtime != nil && $0.value.service != nil }
            entries[ObjectIdentifier(runtime)] = Entry(runtime: runtime, service: service)
        }
    }

    /// tm calls this when it stops.
    public static func unregister(for runtime: RuntimeServices) {
        lock.withLock { entries[ObjectIdentifier(runtime)] = nil }
    }

    /// tm's implementation for this server, nil when tm is not loaded.
    public static func service(for runtime: RuntimeServices) -> (any TransactionService)? {
        lock.withLock {
            guard let entry = entries[ObjectIdentifier(runtime)], entry.runtime === runtime else { return nil }
            return entry.service
        }
    }
}
