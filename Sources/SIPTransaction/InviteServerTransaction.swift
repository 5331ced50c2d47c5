/// RFC 3261 §17.2.1 with RFC 6026 §7.1: the server side of an INVITE. Keeps the last response
/// it sent so a retransmitted INVITE gets it again, retransmits a non-2xx final response until
/// the ACK comes, and absorbs ACKs and INVITEs afterwards.
public struct InviteServerTransaction: Sendable {
    public enum State: Sendable, Equatable { case proceeding, completed, confirmed, accepted, terminated }

    public enum Event: Sendable, Equatable {
        /// The same INVITE again.
        case retransmission
        /// The TU sends a response (relayed or local).
        case sendResponse(code: Int, bytes: [UInt8])
        /// An ACK matched to this transaction (for a non-2xx final response).
        case ack
        case timer(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .proceeding
    public let reliable: Bool
    public var timers: TransactionTimerValues
    /// The last response sent (what a retransmission gets).
    public private(set) var lastResponse: [UInt8]?
    public private(set) var lastCode = 0
    private var interval: Int64
    private var armed = ArmedTimers()

    public init(reliable: Bool, timers: TransactionTimerValues) {
        self.reliable = reliable
        self.timers = timers
        self.interval = timers.t1
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        var out = ActionCollector()
        switch (state, event) {
        case (.proceeding, .retransmission), (.completed, .retransmission):
            if let lastResponse { out.append(.send(lastResponse)) }

        case (.proceeding, .sendResponse(let code, let bytes)) where code < 200:
            remember(code, bytes)
            out.append(.send(bytes))

        case (.proceeding, .sendResponse(let code, let bytes)) where code < 300:
            remember(code, bytes)
            out.append(.send(bytes))
            state = .accepted
            out.start(.l, after: timers.timerL, &armed)

        case (.proceeding, .sendResponse(let code, let bytes)):
            remember(code, bytes)
            out.append(.send(bytes))
            state = .completed
            if !reliable { out.start(.g, after: interval, &armed) }
            out.start(.h, after: timers.timerH, &armed)

        case (.accepted, .sendResponse(let code, let bytes)) where (200..<300).contains(code):
            // Further 2xx (other forks) pass through (RFC 6026 §7.1).
            remember(code, bytes)
            out.append(.send(bytes))

        case (.completed, .timer(.g)) where armed.contains(.g):
            if let lastResponse { out.append(.send(lastResponse)) }
            interval = min(interval * 2, timers.t2)
            out.start(.g, after: interval, &armed)

        case (.completed, .timer(.h)) where armed.contains(.h):
            armed.remove(.h)
            out.cancelAll(&armed)
            state = .terminated
            out.append(.ackTimeout)
            out.append(.terminated)

        case (.completed, .ack):
            out.cancel(.g, &armed)
            out.cancel(.h, &armed)
            state = .confirmed
            if reliable {
                state = .terminated
                out.append(.terminated)
            } else {
                out.start(.i, after: timers.t4, &armed)
            }

        case (.confirmed, .timer(.i)) where armed.contains(.i),
             (.accepted, .timer(.l)) where armed.contains(.l):
            armed.removeAll()
            state = .terminated
            out.append(.terminated)

        case (.proceeding, .transportError), (.completed, .transportError):
            out.cancelAll(&armed)
            state = .terminated
            out.append(.transportError)
            out.append(.terminated)

        default:
            // Confirmed absorbs ACKs, Accepted absorbs INVITEs (§17.2.1, RFC 6026 §7.1).
            break
        }
        return out.actions
    }

    private mutating func remember(_ code: Int, _ bytes: [UInt8]) {
        lastCode = code
        lastResponse = bytes
    }
}
