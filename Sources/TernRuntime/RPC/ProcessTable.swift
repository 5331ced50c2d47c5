#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TernScript

/// The server's threads and what each does, as `ps`/`core.ps` list them. Kamailio lists
/// processes; Tern's workers are threads of one process, so every entry carries the
/// process id and its own index.
public final class ProcessTable: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public var index: Int
        public var pid: Int
        public var description: String
    }

    private let lock = Lock()
    private var entries: [Entry] = []

    public init() {
        add("main process - attendant")
    }

    /// Records a thread (or a group of them) doing `description`.
    public func add(_ description: String) {
        lock.withLock {
            entries.append(Entry(index: entries.count, pid: Int(getpid()), description: description))
        }
    }

    public var all: [Entry] { lock.withLock { entries } }
}
