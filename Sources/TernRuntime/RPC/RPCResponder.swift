import Atomics

/// Where a command's one answer goes. A command calls `reply` or `fail` exactly once,
/// now or later from any thread (t_uac_dlg answers when the final SIP reply arrives);
/// extra calls are ignored, so a late timer racing a reply cannot answer twice.
public final class RPCResponder: Sendable {
    /// What a command answered: a value, with the status line reason the SER text FIFO
    /// prints (`200 OK` unless the command chose its own, e.g. `200 Added to table`).
    public enum Outcome: Sendable, Equatable {
        case success(RPCValue, status: String)
        case failure(RPCError)
    }

    private let answered = ManagedAtomic<Bool>(false)
    private let deliver: @Sendable (Outcome) -> Void

    public init(_ deliver: @escaping @Sendable (Outcome) -> Void) {
        self.deliver = deliver
    }

    public func reply(_ value: RPCValue) {
        reply(value, status: "200 OK")
    }

    /// A success whose SER FIFO status line is `status` (a code and reason, e.g.
    /// `200 user (location, jiri) deleted`); other transports ignore it.
    public func reply(_ value: RPCValue, status: String) {
        answer(.success(value, status: status))
    }

    public func fail(_ error: RPCError) {
        answer(.failure(error))
    }

    public var hasAnswered: Bool { answered.load(ordering: .acquiring) }

    private func answer(_ outcome: Outcome) {
        guard answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        deliver(outcome)
    }
}
