/// The timers of RFC 3261 §17 (Table 4) plus RFC 6026's Timer L and M.
public enum TransactionTimer: UInt8, Sendable, Hashable, CaseIterable {
    /// INVITE client: request retransmission (UDP), starts at T1 and doubles.
    case a
    /// INVITE client: transaction timeout (64·T1; tm's fr_timer/fr_inv_timer replace it).
    case b
    /// INVITE client: wait for response retransmissions in Completed (32 s UDP, 0 reliable).
    case d
    /// Non-INVITE client: request retransmission, doubling up to T2.
    case e
    /// Non-INVITE client: transaction timeout (64·T1, or fr_timer).
    case f
    /// INVITE server: final response retransmission, doubling up to T2.
    case g
    /// INVITE server: wait for the ACK (64·T1).
    case h
    /// INVITE server: absorb ACK retransmissions in Confirmed (T4 UDP, 0 reliable).
    case i
    /// Non-INVITE server: absorb request retransmissions in Completed (64·T1 UDP, 0 reliable).
    case j
    /// Non-INVITE client: absorb response retransmissions (T4 UDP, 0 reliable).
    case k
    /// INVITE server: Accepted state lifetime (RFC 6026, 64·T1).
    case l
    /// INVITE client: Accepted state lifetime (RFC 6026, 64·T1).
    case m
}

/// Timer values in milliseconds. Defaults are RFC 3261's; tm's `retr_timer1`/`retr_timer2`
/// set T1/T2, and `fr_timer`/`fr_inv_timer` replace Timers B and F.
public struct TransactionTimerValues: Sendable, Equatable {
    public var t1: Int64 = 500
    public var t2: Int64 = 4000
    public var t4: Int64 = 5000
    /// Timer B (INVITE client timeout); nil = 64·T1.
    public var inviteTimeout: Int64? = nil
    /// Timer F (non-INVITE client timeout); nil = 64·T1.
    public var nonInviteTimeout: Int64? = nil
    /// Timer D on unreliable transports (RFC 3261: at least 32 s).
    public var timerDUnreliable: Int64 = 32_000
    /// How long a finished transaction lingers to absorb retransmissions — Timers J, L and M;
    /// nil = 64·T1 (RFC 3261, RFC 6026). Kamailio's tm uses its `wt_timer` (5 s) here.
    public var lingerTime: Int64? = nil

    public init() {}

    public init(t1: Int64, t2: Int64, t4: Int64 = 5000) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    public var timerB: Int64 { inviteTimeout ?? 64 * t1 }
    public var timerF: Int64 { nonInviteTimeout ?? 64 * t1 }
    public var timerH: Int64 { 64 * t1 }
    public var timerJ: Int64 { lingerTime ?? 64 * t1 }
    public var timerL: Int64 { lingerTime ?? 64 * t1 }
    public var timerM: Int64 { lingerTime ?? 64 * t1 }
}

/// What a machine asks its owner to do. The owner runs these after releasing the bucket lock.
public enum TransactionAction: Sendable, Equatable {
    /// Send these bytes to the peer (client: the request again; server: the last response).
    case send([UInt8])
    /// Client: hand this received response (by status code) to the transaction user.
    case deliverResponse(code: Int)
    /// INVITE client: acknowledge the non-2xx final response just received (the owner builds
    /// the ACK once, from the response, and sends it again for retransmitted responses).
    case sendACK
    /// Arm a timer to fire after so many milliseconds (re-arming replaces the old deadline).
    case startTimer(TransactionTimer, after: Int64)
    case cancelTimer(TransactionTimer)
    /// Client: Timer B or F fired before a final response (the TU fakes a 408).
    case timeout
    /// Server: Timer H fired without an ACK.
    case ackTimeout
    /// The transport could not send: the TU is told (RFC 3261 §17.1.4, §17.2.4).
    case transportError
    /// The transaction is over; remove it from the table.
    case terminated
}
