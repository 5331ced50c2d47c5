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

/// Per-message state that pseudo-variables read and write. The lists and the time are made
/// on first use; a module that keeps the state longer than one message (tm keeps AVPs with the
/// transaction) assigns its own list before a route runs.
extension ScriptContext {
    /// The AVPs of this message (`$avp`). Made on first use; tm replaces it with the
    /// transaction's list so failure and reply routes see the same values.
    public var avps: AVPList {
        get {
            if let list = storedAVPs { return list }
            let list = AVPList()
            storedAVPs = list
            return list
        }
        set { storedAVPs = newValue }
    }

    /// The XAVPs of this message (`$xavp`), made on first use; replaceable like `avps`.
    public var xavps: XAVPList {
        get {
            if let list = storedXAVPs { return list }
            let list = XAVPList()
            storedXAVPs = list
            return list
        }
        set { storedXAVPs = newValue }
    }

    /// The receive time, taken on first use, so every time PV of one message agrees.
    public var receiveTime: ReceiveTime {
        get {
            if let t = storedReceiveTime { return t }
            let now = TimeText.now()
            let t = ReceiveTime(seconds: now.seconds, microseconds: now.microseconds)
            storedReceiveTime = t
            return t
        }
        set { storedReceiveTime = newValue }
    }
}
