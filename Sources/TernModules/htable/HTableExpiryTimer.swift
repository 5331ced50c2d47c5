import Dispatch

/// Runs the expiry sweep every `timer_interval` seconds on a queue of its own (expired-item
/// routes may block; they hold up only the next sweep).
final class HTableExpiryTimer: @unchecked Sendable {
    private let timer: DispatchSourceTimer

    init(intervalSeconds: Int, tick: @escaping @Sendable () -> Void) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "htable.expiry"))
        let interval = DispatchTimeInterval.seconds(max(1, intervalSeconds))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler(handler: tick)
        timer.resume()
    }

    func stop() {
        timer.cancel()
    }
}
