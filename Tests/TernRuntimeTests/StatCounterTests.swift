// A counter split into per-thread shards must still read as one number.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

@testable import TernRuntime

@Suite struct StatCounterTests {
    @Test func incrementsFromManyThreadsSumExactly() {
        let counter = StatCounter(group: "core", name: "rcv_requests")
        let threadCount = 6
        let perThread = 10_000
        var threads: [pthread_t] = []
        final class Work { let counter: StatCounter; let count: Int
            init(_ counter: StatCounter, _ count: Int) { self.counter = counter; self.count = count } }
        for _ in 0..<threadCount {
            let work = Unmanaged.passRetained(Work(counter, perThread)).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            #else
            var thread: pthread_t?
            #endif
            let created = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
                for _ in 0..<work.count { work.counter.increment() }
                return nil
            }, work)
            #expect(created == 0)
            #if canImport(Glibc)
            threads.append(thread)
            #else
            if let thread { threads.append(thread) }
            #endif
        }
        for thread in threads { pthread_join(thread, nil) }
        counter.increment(by: 5)
        #expect(counter.current == threadCount * perThread + 5)
    }

    @Test func handlesCountIntoTheirCounter() {
        let counter = StatCounter(group: "sl", name: "200_replies")
        let handle = counter.handle
        handle.increment()
        handle.increment(by: 4)
        counter.increment()
        #expect(counter.current == 6)
        counter.reset()
        handle.increment()
        #expect(counter.current == 1)
    }

    @Test func resetClearsEveryShardAndNegativeAmountsSubtract() {
        let counter = StatCounter(group: "core", name: "drop_requests")
        counter.increment(by: 7)
        counter.increment(by: -2)
        #expect(counter.current == 5)
        counter.reset()
        #expect(counter.current == 0)
        counter.increment()
        #expect(counter.current == 1)
    }
}
