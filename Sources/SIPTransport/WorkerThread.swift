#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A joinable OS thread. Workers are real threads, not tasks on the cooperative pool: a
/// script may block (exec, SQL, HTTP) and must not starve anything else.
final class WorkerThread: @unchecked Sendable {
    private var thread: pthread_t? = nil
    private let body: () -> Void
    let name: String

    init(name: String, body: @escaping () -> Void) {
        self.name = name
        self.body = body
    }

    func start() throws {
        let unmanaged = Unmanaged.passRetained(self)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        // Deep script recursion (route calls, nested expressions) needs more than the 8 MiB
        // default only in pathological configs; 4 MiB keeps many workers cheap.
        pthread_attr_setstacksize(&attributes, 4 << 20)
        var handle = pthread_t()
        let rc = pthread_create(&handle, &attributes, { raw in
            let worker = Unmanaged<WorkerThread>.fromOpaque(raw!).takeRetainedValue()
            worker.body()
            return nil
        }, unmanaged.toOpaque())
        pthread_attr_destroy(&attributes)
        guard rc == 0 else {
            unmanaged.release()
            throw TransportError("cannot start thread \(name): error \(rc)")
        }
        thread = handle
    }

    func join() {
        guard let handle = thread else { return }
        pthread_join(handle, nil)
        thread = nil
    }
}
