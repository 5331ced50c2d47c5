#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// A few threads writing answers to reply FIFOs, so the FIFO reader never waits for a
/// client: one that is slow to open its reply FIFO holds one writer for a moment, and
/// the others keep answering.
final class ReplyQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var threads: [ServiceThread] = []
    /// Answers waiting beyond this are dropped (a flood of requests naming dead FIFOs).
    private let capacity: Int

    init(writers: Int, capacity: Int = 4096) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        for _ in 0..<max(1, writers) {
            let thread = ServiceThread { [unowned self] in self.work() }
            if thread.start() { threads.append(thread) }
        }
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// False when the queue is full or stopped.
    @discardableResult
    func submit(_ job: @escaping () -> Void) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard !stopping, jobs.count < capacity else { return false }
        jobs.append(job)
        pthread_cond_signal(&condition)
        return true
    }

    /// Finishes the queued answers, then ends the writers.
    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        for thread in threads { thread.join() }
        threads.removeAll()
    }

    private func work() {
        while true {
            pthread_mutex_lock(&mutex)
            while jobs.isEmpty && !stopping { pthread_cond_wait(&condition, &mutex) }
            if jobs.isEmpty {
                pthread_mutex_unlock(&mutex)
                return
            }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(&mutex)
            job()
        }
    }
}
