#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TernRuntime
import TernScript

/// `$stat(name)`: a statistic by its bare name, whatever its group (`rcv_requests`,
/// `sent_replies`, `200_replies`, `location_users`), or one of the memory figures
/// (`used_size`, `free_size` … see HeapFigures). A name nothing has registered reads as
/// `$null`, with one warning per place it is used (Kamailio warns on every read).
enum StatisticPseudoVariable {
    static func declaration(statistics: @escaping @Sendable () -> StatisticsRegistry?) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: "stat", innerName: .required) { binding throws(Diagnostic) in
            let name = trimmed(binding.inner ?? "")
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

    private static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Whether an unknown name is being read for the first time (from any worker thread).
final class UnknownStatisticWarning: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var done = false

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func isFirst() -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if done { return false }
        done = true
        return true
    }
}
