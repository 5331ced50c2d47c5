/// RFC 3261 §17.2.2: the server side of any request but INVITE and ACK.
public struct NonInviteServerTransaction: Sendable {
    public enum State: Sendable, Equatable { case trying, proceeding, completed, terminated }

    public enum Event: Sendable, Equatable {
        case retransmission
        case sendResponse(code: Int, bytes: [UInt8])
        case timer(TransactionTimer)
        case transportError
    }

    public private(set) var state: State = .trying
    public let reliable: Bool
    public var timers: TransactionTimerValues
    public private(set) var lastResponse: [UInt8]?
    public private(set) var lastCode = 0
    private var armed = ArmedTimers()

    public init(reliable: Bool, timers: TransactionTimerValues) {
        self.reliable = reliable
        self.timers = timers
    }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        var out = ActionCollector()
        switch (state, event) {
        case (.proceeding, .retransmission), (.completed, .retransmission):
            if let lastResponse { out.append(.send(lastResponse)) }

        case (.trying, .sendResponse(let code, let bytes)) where code < 200,
             (.proceeding, .sendResponse(let code, let bytes)) where code < 200:
            state = .proceeding
            lastCode = code
            lastResponse = bytes
            out.append(.send(bytes))

        case (.trying, .sendResponse(let code, let bytes)), (.proceeding, .sendResponse(let code, let bytes)):
            state = .completed
            lastCode = code
            lastResponse = bytes
            out.append(.send(bytes))
            if reliable {
                state = .terminated
                out.append(.terminated)
            } else {
                out.start(.j, after: timers.timerJ, &armed)
            }

        case (.completed, .timer(.j)) where armed.contains(.j):
            armed.removeAll()
            state = .terminated
            out.append(.terminated)

        case (.trying, .transportError), (.proceeding, .transportError), (.completed, .transportError):
            out.cancelAll(&armed)
            state = .terminated
            out.append(.transportError)
            out.append(.terminated)

        default:
            // Trying absorbs retransmissions: there is nothing to send yet.
            break
        }
        return out.actions
    }
}
