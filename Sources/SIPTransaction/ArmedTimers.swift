/// The timers a machine has armed, as a bit set: a timer event for a timer that is not armed
/// (cancelled while it was already firing) is ignored.
struct ArmedTimers: Sendable, Equatable {
    private var bits: UInt16 = 0

    func contains(_ timer: TransactionTimer) -> Bool { bits & (1 << timer.rawValue) != 0 }
    mutating func insert(_ timer: TransactionTimer) { bits |= 1 << timer.rawValue }
    mutating func remove(_ timer: TransactionTimer) { bits &= ~(1 << timer.rawValue) }
    mutating func removeAll() { bits = 0 }
}

/// Collects actions and keeps `armed` in step with the start/cancel actions issued.
struct ActionCollector {
    var actions: [TransactionAction] = []

    mutating func start(_ timer: TransactionTimer, after ms: Int64, _ armed: inout ArmedTimers) {
        armed.insert(timer)
        append(.startTimer(timer, after: ms))
    }

    mutating func cancel(_ timer: TransactionTimer, _ armed: inout ArmedTimers) {
        guard armed.contains(timer) else { return }
        armed.remove(timer)
        append(.cancelTimer(timer))
    }

    /// A retransmission timer fired: sends `bytes` (if there are any) again and re-arms `timer`
    /// at twice the interval, capped at `cap` (T2) — Timers A, E and G alike.
    mutating func retransmit(_ bytes: [UInt8]?, on timer: TransactionTimer, interval: inout Int64,
                             cap: Int64, _ armed: inout ArmedTimers) {
        if let bytes { append(.send(bytes)) }
        interval = min(interval * 2, cap)
        start(timer, after: interval, &armed)
    }

    mutating func cancelAll(_ armed: inout ArmedTimers) {
        for timer in TransactionTimer.allCases { cancel(timer, &armed) }
    }

    mutating func append(_ action: TransactionAction) {
        // An event yields up to four or five actions: one allocation instead of a growth
        // from one to two to four.
        if actions.capacity == 0 { actions.reserveCapacity(5) }
        actions.append(action)
    }
}
