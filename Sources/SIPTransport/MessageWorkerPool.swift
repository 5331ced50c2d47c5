#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DequeModule

/// A fixed set of worker threads fed from one queue: stream transports frame messages on
/// NIO event loops, which must never block, and hand each one here, where a script may.
public final class MessageWorkerPool: @unchecked Sendable {
    public typealias Job = (InboundWorker) -> Void

    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var queue = Deque<Job>()
    private var stopping = false
    private var threads: [WorkerThread] = []
    /// Beyond this many waiting messages new ones are refused, so a flood cannot exhaust memory.
    private let capacity: Int

    public init(capacity: Int = 65_536) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    public func start(children: Int, factory: InboundWorkerFactory) throws {
        for child in 0..<max(1, children) {
            let worker = factory.makeWorker(role: .tcpReceiver(child: child))
            let thread = WorkerThread(name: "tcp-\(child)") { [self] in run(worker) }
            try thread.start()
            threads.append(thread)
        }
    }

    /// Queues a job; false when the pool is stopping or full.
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard !stopping, queue.count < capacity else { return false }
        queue.append(job)
        pthread_cond_signal(&condition)
        return true
    }

    private func run(_ worker: InboundWorker) {
        while true {
            pthread_mutex_lock(&mutex)
            while queue.isEmpty && !stopping {
                pthread_cond_wait(&condition, &mutex)
            }
            if queue.isEmpty {  // stopping and drained
                pthread_mutex_unlock(&mutex)
                return
            }
            let job = queue.removeFirst()
            pthread_mutex_unlock(&mutex)
            job(worker)
        }
    }

    /// Lets the queued messages finish, then joins the threads.
    public func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        for thread in threads { thread.join() }
        threads.removeAll()
    }
}
