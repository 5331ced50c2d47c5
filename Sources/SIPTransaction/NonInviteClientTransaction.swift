/// RFC 3261 §17.1.2: the client side of any request but INVITE and ACK.
public struct NonInviteClientTransaction: Sendable {
    public enum State: Sendable, Equatable { case trying, proceeding, completed, terminated }

    public enum Event: Sendable, Equatable {
        case start
        case response(code: Int)
        case timer(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .trying
    public let request: [UInt8]
    public let reliable: Bool
    public var timers: TransactionTimerValues
    private var interval: Int64
    private var armed = ArmedTimers()

    public init(request: [UInt8], reliable: Bool, timers: TransactionTimerValues) {
        self.request = request
        self.reliable = reliable
        self.timers = timers
        self.interval = timers.t1
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        var out = ActionCollector()
        switch (state, event) {
        case (.trying, .start):
            out.append(.send(request))
            if !reliable { out.start(.e, after: interval, &armed) }
            out.start(.f, after: timers.timerF, &armed)

        case (.trying, .timer(.e)) where armed.contains(.e):
            out.retransmit(request, on: .e, interval: &interval, cap: timers.t2, &armed)

        case (.proceeding, .timer(.e)) where armed.contains(.e):
            // RFC 3261 §17.1.2.2: in Proceeding the interval is T2.
            out.append(.send(request))
            out.start(.e, after: timers.t2, &armed)

        case (.trying, .timer(.f)) where armed.contains(.f),
             (.proceeding, .timer(.f)) where armed.contains(.f):
            armed.remove(.f)
            out.cancelAll(&armed)
            out.append(.timeout)
            state = .terminated
            out.append(.terminated)

        case (.trying, .response(let code)) where code < 200,
             (.proceeding, .response(let code)) where code < 200:
            if state == .trying, armed.contains(.e) {
                out.start(.e, after: timers.t2, &armed)
            }
            state = .proceeding
            out.append(.deliverResponse(code: code))

        case (.trying, .response(let code)), (.proceeding, .response(let code)):
            out.cancelAll(&armed)
            state = .completed
            out.append(.deliverResponse(code: code))
            if reliable {
                state = .terminated
                out.append(.terminated)
            } else {
                out.start(.k, after: timers.t4, &armed)
            }

        case (.completed, .timer(.k)) where armed.contains(.k):
            armed.removeAll()
            state = .terminated
            out.append(.terminated)

        case (.trying, .transportError), (.proceeding, .transportError):
            out.cancelAll(&armed)
            state = .terminated
            out.append(.transportError)
            out.append(.terminated)

        default:
            // Responses in Completed are absorbed (§17.1.2.2).
            break
        }
        return out.actions
    }
}
