import SIPCore

/// Everything one run of the script over one message sees and changes. Made by the runtime for
/// each message (and for each failure/branch/reply route run), used by one thread at a time.
///
/// A context belongs to one thread and is never passed inout, so the runtime's access tracking
/// would only cost time: release builds leave it out (see Package.swift), and the internal
/// fields are `@exclusivity(unchecked)` for debug builds too.
public final class ScriptContext {
    public let message: SIPMessage
    public let receive: ReceiveInfo
    public let worker: WorkerScriptState
    /// The kind of route running now.
    public var routeType: RouteTypes

    /// The value of the last function or route call: `$rc`, `$retcode`, `$?`.
    public var lastReturnCode: Int = 0
    /// The R-URI after `$ru = ...` / `seturi()`; nil while it is the message's own.
    public var newRequestURI: String? {
        get { _newRequestURI }
        set {
            _newRequestURI = newValue
            parsedNewRequestURI = nil
        }
    }
    @exclusivity(unchecked) var _newRequestURI: String?
    /// `newRequestURI` parsed, made on first use.
    @exclusivity(unchecked) var parsedNewRequestURI: ParsedURIText?
    /// The destination URI (`$du`); nil when not set.
    public var destinationURI: String? = nil
    /// The Path of the binding lookup() chose (RFC 3327; Kamailio's path vector): the request
    /// leaves with it as a Route header. Extra branches carry theirs in `ScriptBranch.path`.
    public var pathVector: String? = nil
    /// Message flags (`setflag`, `$mf`).
    public var messageFlags: UInt32 = 0
    /// Changes to the received message (Kamailio's lumps: textops, rr, …), applied in one
    /// pass when the message is forwarded.
    public var edits: EditList = EditList()
    /// Header lines added to every local reply to this message (`append_to_reply`).
    public var replyHeaders: [UInt8] = []
    /// Extra branches (Kamailio's destination set: `append_branch`, `$br`, lookup results).
    public var branches: [ScriptBranch] = []
    /// Branch flags of the R-URI branch (`setbflag` without an index, `$bf`).
    public var requestBranchFlags: UInt32 = 0
    /// How local replies and forwarded requests leave (`force_rport`, `set_reply_close`, …).
    public var sendOptions: SendOptions = []
    /// Kamailio's script flags (`$sf`, setsflag): reset for every message here.
    public var scriptFlags: UInt32 = 0
    /// The socket to send from (`$fs`, force_send_socket) as `proto:host:port`; nil when the
    /// runtime chooses.
    public var forcedSendSocket: String? = nil
    // Backing of `avps`, `xavps` and `receiveTime` (made on first use).
    @exclusivity(unchecked) var storedAVPs: AVPList?
    @exclusivity(unchecked) var storedXAVPs: XAVPList?
    @exclusivity(unchecked) var storedReceiveTime: ReceiveTime?

    /// Control flow of the running route: exit/return/break/drop requested.
    @exclusivity(unchecked) var runFlags: RunFlags = []
    /// Depth of nested `route()` calls.
    @exclusivity(unchecked) var depth = 0

    /// Module state by key index: each slot holds the `ScriptContextSlot<Value>` of the one
    /// key with that index, so reading it needs no dynamic cast.
    @exclusivity(unchecked) private var extensions: [AnyObject?] = []

    public init(message: SIPMessage, receive: ReceiveInfo, worker: WorkerScriptState, routeType: RouteTypes) {
        self.message = message
        self.receive = receive
        self.worker = worker
        self.routeType = routeType
    }

    /// Per-message state that modules keep on the context (a transaction, branch data ...).
    /// Inlinable so each module's use is specialised for its value type: no generic metadata
    /// lookups, no existential casts per access.
    @inlinable
    public subscript<Value>(key: ScriptContextKey<Value>) -> Value? {
        get {
            guard let slot = extensionSlot(key.index) else { return nil }
            // Sound: a key's index is unique to that key, whose Value type is fixed.
            return unsafeDowncast(slot, to: ScriptContextSlot<Value>.self).value
        }
        set {
            // A new box per write: the box is immutable, so reading it from another module
            // needs no exclusivity check (writes are rarer than reads).
            if let newValue {
                setExtensionSlot(ScriptContextSlot<Value>(newValue), key.index)
            } else {
                clearExtensionSlot(key.index)
            }
        }
    }

    // Not inlinable: `@exclusivity(unchecked)` holds only for accesses compiled in this module.
    @usableFromInline
    func extensionSlot(_ index: Int) -> AnyObject? {
        index < extensions.count ? extensions[index] : nil
    }

    @usableFromInline
    func setExtensionSlot(_ slot: AnyObject, _ index: Int) {
        if index >= extensions.count {
            // One allocation for the slots up to this key, not one per doubling.
            extensions.reserveCapacity(index &+ 1)
            repeat { extensions.append(nil) } while extensions.count <= index
        }
        extensions[index] = slot
    }

    @usableFromInline
    func clearExtensionSlot(_ index: Int) {
        if index < extensions.count { extensions[index] = nil }
    }
}

/// The box of one key's value on one context (see `ScriptContext.subscript(key:)`).
@usableFromInline
final class ScriptContextSlot<Value> {
    @usableFromInline let value: Value

    @usableFromInline init(_ value: Value) { self.value = value }
}

/// A typed slot for module state on a ScriptContext. Make each key once (a static) and reuse it.
public struct ScriptContextKey<Value>: Sendable {
    @usableFromInline let index: Int

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
