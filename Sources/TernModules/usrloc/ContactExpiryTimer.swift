#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread that runs usrloc's timer every `timer_interval` seconds (expiry, db_mode 2
/// flushes). Its own thread, since a round may block on the database; stop() wakes and joins it.
final class ContactExpiryTimer: @unchecked Sendable {
    private let interval: Int
    private let tick: @Sendable () -> Void
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var stopping = false
    private var thread: pthread_t?

    init(interval: Int, tick: @escaping @Sendable () -> Void) {
        self.interval = max(1, interval)
        self.tick = tick
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    func start() -> Bool {
        let unmanaged = Unmanaged.passRetained(self)
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            let timer = Unmanaged<ContactExpiryTimer>.fromOpaque(raw!).takeRetainedValue()
            timer.run()
            return nil
        }, unmanaged.toOpaque())
        guard rc == 0 else {
            unmanaged.release()
            return false
        }
        thread = handle
        return true
    }

    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func run() {
        while true {
            var deadline = timespec()
            clock_gettime(CLOCK_REALTIME, &deadline)
            deadline.tv_sec += interval
            pthread_mutex_lock(&mutex)
            while !stopping {
                if pthread_cond_timedwait(&condition, &mutex, &deadline) == ETIMEDOUT { break }
            }
            let done = stopping
            pthread_mutex_unlock(&mutex)
            if done { return }
            tick()
        }
    }
}
