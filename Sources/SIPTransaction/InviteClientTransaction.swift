/// RFC 3261 §17.1.1 with RFC 6026 §7.2: the client side of an INVITE. Holds the request bytes
/// for retransmission; the owner builds the ACK for a non-2xx final response.
///
/// A proxy (Kamailio's tm) lets the transaction wait longer once a provisional response has
/// arrived: `proceedingTimeout` (fr_inv_timer) replaces Timer B in Proceeding, re-armed on
/// each provisional when `restartTimeoutOnProvisional` is set.
public struct InviteClientTransaction: Sendable {
    public enum State: Sendable, Equatable { case calling, proceeding, completed, accepted, terminated }

    public enum Event: Sendable, Equatable {
        /// Sends the request for the first time.
        case start
        case response(code: Int)
        case timer(TransactionTimer)
        case transportError
        /// The branch is being cancelled before any reply (RFC 3261 §9.1): stop retransmitting;
        /// Timer B still runs, so a silent peer still times out.
        case stop
    }

    public private(set) var state: State = .calling
    public let request: [UInt8]
    public let reliable: Bool
    public var timers: TransactionTimerValues
    /// fr_inv_timer: how long Proceeding waits for a final response (nil: forever, as RFC 3261).
    public var proceedingTimeout: Int64?
    public var restartTimeoutOnProvisional: Bool
    /// The highest provisional code seen (for `restart_fr_on_each_reply = 0`).
    public private(set) var lastProvisional = 0
    /// The Proceeding timeout fired: the TU was told, the final reply is still awaited.
    public private(set) var proceedingTimedOut = false
    private var interval: Int64
    private var armed = ArmedTimers()

    public init(request: [UInt8], reliable: Bool, timers: TransactionTimerValues,
                proceedingTimeout: Int64? = nil, restartTimeoutOnProvisional: Bool = true) {
        self.request = request
        self.reliable = reliable
        self.timers = timers
        self.proceedingTimeout = proceedingTimeout
        self.restartTimeoutOnProvisional = restartTimeoutOnProvisional
        self.interval = timers.t1
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        var out = ActionCollector()
        switch (state, event) {
        case (.calling, .start):
            out.append(.send(request))
            if !reliable { out.start(.a, after: interval, &armed) }
            out.start(.b, after: timers.timerB, &armed)

        case (.calling, .timer(.a)) where armed.contains(.a):
            // Kamailio caps INVITE retransmissions at T2 as well; RFC 3261 lets them double on.
            out.retransmit(request, on: .a, interval: &interval, cap: timers.t2, &armed)

        case (.calling, .timer(.b)) where armed.contains(.b),
             (.proceeding, .timer(.b)) where armed.contains(.b) && proceedingTimedOut:
            armed.remove(.b)
            out.cancelAll(&armed)
            if !proceedingTimedOut { out.append(.timeout) }
            state = .terminated
            out.append(.terminated)

        case (.proceeding, .timer(.b)) where armed.contains(.b):
            // The proxy's Timer C (RFC 3261 §16.8): the TU cancels the branch and answers
            // upstream; the branch stays to take (and ACK) the 487, for at most 64·T1 more.
            proceedingTimedOut = true
            out.append(.timeout)
            out.start(.b, after: timers.timerH, &armed)

        case (.calling, .response(let code)) where code < 200,
             (.proceeding, .response(let code)) where code < 200:
            let first = state == .calling
            state = .proceeding
            out.cancel(.a, &armed)
            if let proceedingTimeout, !proceedingTimedOut,
               first || restartTimeoutOnProvisional || code > lastProvisional {
                out.start(.b, after: proceedingTimeout, &armed)
            } else if first, proceedingTimeout == nil {
                out.cancel(.b, &armed)
            }
            lastProvisional = max(lastProvisional, code)
            out.append(.deliverResponse(code: code))

        case (.calling, .response(let code)) where code < 300,
             (.proceeding, .response(let code)) where code < 300:
            out.cancelAll(&armed)
            state = .accepted
            out.append(.deliverResponse(code: code))
            out.start(.m, after: timers.timerM, &armed)

        case (.calling, .response(let code)), (.proceeding, .response(let code)):
            out.cancelAll(&armed)
            state = .completed
            out.append(.deliverResponse(code: code))
            out.append(.sendACK)
            if reliable {
                state = .terminated
                out.append(.terminated)
            } else {
                out.start(.d, after: timers.timerDUnreliable, &armed)
            }

        case (.completed, .response(let code)) where code >= 300:
            // A retransmitted final response: acknowledge again, the TU already has it.
            out.append(.sendACK)

        case (.accepted, .response(let code)) where (200..<300).contains(code):
            // Every 2xx goes to the TU (a forking proxy relays each one, RFC 6026 §7.2).
            out.append(.deliverResponse(code: code))

        case (.completed, .timer(.d)) where armed.contains(.d),
             (.accepted, .timer(.m)) where armed.contains(.m):
            armed.removeAll()
            state = .terminated
            out.append(.terminated)

        case (.calling, .transportError), (.proceeding, .transportError):
            out.cancelAll(&armed)
            state = .terminated
            out.append(.transportError)
            out.append(.terminated)

        case (.calling, .stop), (.proceeding, .stop):
            out.cancel(.a, &armed)

        default:
            break
        }
        return out.actions
    }
}
