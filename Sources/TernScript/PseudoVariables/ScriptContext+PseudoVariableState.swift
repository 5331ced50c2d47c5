/// Per-message state that pseudo-variables read and write and that ScriptContext does not
/// hold itself: script flags, the forced send socket, AVPs, XAVPs and the receive time with
/// microseconds. Each lives in a ScriptContextKey slot, so a module that owns the state for
/// longer than one message (tm keeps AVPs with the transaction) can put its own instance in
/// the slot before a route runs.
enum PseudoVariableStateKeys {
    static let scriptFlags = ScriptContextKey<UInt32>()
    static let forcedSendSocket = ScriptContextKey<String>()
    static let avps = ScriptContextKey<AVPList>()
    static let xavps = ScriptContextKey<XAVPList>()
    static let receiveTime = ScriptContextKey<ReceiveTime>()
}

/// When the message was received, to the microsecond (`$Ts`, `$Tf`, `$TV(s)`, `$TV(u)`,
/// `$time(...)` all read this one instant).
public struct ReceiveTime: Sendable, Equatable {
    public var seconds: Int
    public var microseconds: Int

    public init(seconds: Int, microseconds: Int) {
        self.seconds = seconds
        self.microseconds = microseconds
    }
}

extension ScriptContext {
    /// Kamailio's script flags (`$sf`, setsflag): reset for every message here.
    public var scriptFlags: UInt32 {
        get { self[PseudoVariableStateKeys.scriptFlags] ?? 0 }
        set { self[PseudoVariableStateKeys.scriptFlags] = newValue }
    }

    /// The socket to send from (`$fs`, force_send_socket) as `proto:host:port`; nil when the
    /// runtime chooses.
    public var forcedSendSocket: String? {
        get { self[PseudoVariableStateKeys.forcedSendSocket] }
        set { self[PseudoVariableStateKeys.forcedSendSocket] = newValue }
    }

    /// The AVPs of this message (`$avp`). Made on first use; tm replaces it with the
    /// transaction's list so failure and reply routes see the same values.
    public var avps: AVPList {
        get {
            if let list = self[PseudoVariableStateKeys.avps] { return list }
            let list = AVPList()
            self[PseudoVariableStateKeys.avps] = list
            return list
        }
        set { self[PseudoVariableStateKeys.avps] = newValue }
    }

    /// The XAVPs of this message (`$xavp`), made on first use; replaceable like `avps`.
    public var xavps: XAVPList {
        get {
            if let list = self[PseudoVariableStateKeys.xavps] { return list }
            let list = XAVPList()
            self[PseudoVariableStateKeys.xavps] = list
            return list
        }
        set { self[PseudoVariableStateKeys.xavps] = newValue }
    }

    /// The receive time, taken on first use, so every time PV of one message agrees.
    public var receiveTime: ReceiveTime {
        get {
            if let t = self[PseudoVariableStateKeys.receiveTime] { return t }
            let now = TimeText.now()
            let t = ReceiveTime(seconds: now.seconds, microseconds: now.microseconds)
            self[PseudoVariableStateKeys.receiveTime] = t
            return t
        }
        set { self[PseudoVariableStateKeys.receiveTime] = newValue }
    }
}
