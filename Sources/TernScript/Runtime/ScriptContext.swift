import SIPCore

/// Everything one run of the script over one message sees and changes. Made by the runtime for
/// each message (and for each failure/branch/reply route run), used by one thread at a time.
///
/// The fields every statement touches are `@exclusivity(unchecked)`: a context belongs to one
/// thread and is never passed inout, so the runtime's access tracking would only cost time.
public final class ScriptContext {
    public let message: SIPMessage
    public let receive: ReceiveInfo
    public let worker: WorkerScriptState
    /// The kind of route running now.
    @exclusivity(unchecked) public var routeType: RouteTypes

    /// The value of the last function or route call: `$rc`, `$retcode`, `$?`.
    @exclusivity(unchecked) public var lastReturnCode: Int = 0
    /// The R-URI after `$ru = ...` / `seturi()`; nil while it is the message's own.
    public var newRequestURI: String? {
        didSet { parsedNewRequestURI = nil }
    }
    /// `newRequestURI` parsed, made on first use.
    @exclusivity(unchecked) var parsedNewRequestURI: ParsedURIText?
    /// The destination URI (`$du`); nil when not set.
    @exclusivity(unchecked) public var destinationURI: String?
    /// Message flags (`setflag`, `$mf`).
    @exclusivity(unchecked) public var messageFlags: UInt32 = 0
    /// Changes to the received message (Kamailio's lumps: textops, rr, …), applied in one
    /// pass when the message is forwarded.
    public var edits = EditList()
    /// Header lines added to every local reply to this message (`append_to_reply`).
    public var replyHeaders: [UInt8] = []
    /// Extra branches (Kamailio's destination set: `append_branch`, `$br`, lookup results).
    @exclusivity(unchecked) public var branches: [ScriptBranch] = []
    /// Branch flags of the R-URI branch (`setbflag` without an index, `$bf`).
    @exclusivity(unchecked) public var requestBranchFlags: UInt32 = 0
    /// How local replies and forwarded requests leave (`force_rport`, `set_reply_close`, …).
    public var sendOptions: SendOptions = []
    /// Kamailio's script flags (`$sf`, setsflag): reset for every message here.
    @exclusivity(unchecked) public var scriptFlags: UInt32 = 0
    /// The socket to send from (`$fs`, force_send_socket) as `proto:host:port`; nil when the
    /// runtime chooses.
    public var forcedSendSocket: String?
    // Backing of `avps`, `xavps` and `receiveTime` (made on first use).
    @exclusivity(unchecked) var storedAVPs: AVPList?
    @exclusivity(unchecked) var storedXAVPs: XAVPList?
    @exclusivity(unchecked) var storedReceiveTime: ReceiveTime?

    /// Control flow of the running route: exit/return/break/drop requested.
    @exclusivity(unchecked) var runFlags: RunFlags = []
    /// Depth of nested `route()` calls.
    @exclusivity(unchecked) var depth = 0

    @exclusivity(unchecked) private var extensions: [Any?] = []

    public init(message: SIPMessage, receive: ReceiveInfo, worker: WorkerScriptState, routeType: RouteTypes) {
        self.message = message
        self.receive = receive
        self.worker = worker
        self.routeType = routeType
    }

    /// Per-message state that modules keep on the context (a transaction, branch data ...).
    public subscript<Value>(key: ScriptContextKey<Value>) -> Value? {
        get {
            key.index < extensions.count ? extensions[key.index] as? Value : nil
        }
        set {
            if key.index >= extensions.count {
                extensions.append(contentsOf: repeatElement(nil, count: key.index + 1 - extensions.count))
            }
            extensions[key.index] = newValue
        }
    }
}

/// A typed slot for module state on a ScriptContext. Make each key once (a static) and reuse it.
public struct ScriptContextKey<Value>: Sendable {
    let index: Int

    public init() {
        index = ScriptContextKeyCounter.next()
    }
}

enum ScriptContextKeyCounter {
    private static let lock = Lock()
    nonisolated(unsafe) private static var counter = 0

    static func next() -> Int {
        lock.withLock {
            counter += 1
            return counter - 1
        }
    }
}

/// Kamailio's run flags: why the current block stops early.
struct RunFlags: OptionSet {
    let rawValue: UInt8
    static let exit = RunFlags(rawValue: 1)
    static let `return` = RunFlags(rawValue: 2)
    static let `break` = RunFlags(rawValue: 4)
    static let drop = RunFlags(rawValue: 8)
    static let stopsBlock: RunFlags = [.exit, .return, .break]
}
