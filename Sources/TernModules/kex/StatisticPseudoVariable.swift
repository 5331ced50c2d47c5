import TernRuntime
import TernScript

/// `$stat(name)`: a statistic by its bare name, whatever its group (`rcv_requests`,
/// `sent_replies`, `200_replies`, `location_users`), or one of the memory figures
/// (`used_size`, `free_size` … see HeapFigures). A name nothing has registered reads as
/// `$null`, with one warning per place it is used (Kamailio warns on every read).
enum StatisticPseudoVariable {
    static func declaration(statistics: @escaping @Sendable () -> StatisticsRegistry?) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: "stat", innerName: .required) { binding throws(Diagnostic) in
            let name = Substring(binding.inner ?? "").trimmingCharacters(in: " \t")
            guard !name.isEmpty else { throw binding.error("$stat needs a statistic name") }
            let warning = UnknownStatisticWarning()
            let isMemoryFigure = HeapFigures.statisticNames.contains(name)
            return PseudoVariableAccessors(get: { ctx in
                if let counter = statistics()?.lookup(name) { return .int(counter.current) }
                if isMemoryFigure, let value = HeapFigures.current().value(named: name) { return .int(value) }
                if warning.isFirst() { ctx.worker.logger.warning("No stat variable ``\(name)''") }
                return .null
            })
        }
    }
}

/// Whether an unknown name is being read for the first time (from any worker thread).
final class UnknownStatisticWarning: @unchecked Sendable {
    private let lock = Lock()
    private var done = false

    func isFirst() -> Bool {
        lock.withLock {
            if done { return false }
            done = true
            return true
        }
    }
}
