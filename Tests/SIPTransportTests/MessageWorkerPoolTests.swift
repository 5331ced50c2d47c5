import Foundation
import SIPCore
import Testing
@testable import SIPTransport

/// Counts what workers handled; each worker is used by one thread only.
private final class CountingWorker: InboundWorker {
    let tally: Tally
    init(tally: Tally) { self.tally = tally }
    func handle(_ bytes: [UInt8], from receive: ReceiveInfo) -> Bool { true }
}

private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var jobs = 0
    private var workers = 0
    func job() { lock.lock(); jobs += 1; lock.unlock() }
    func worker() { lock.lock(); workers += 1; lock.unlock() }
    var counts: (jobs: Int, workers: Int) { lock.lock(); defer { lock.unlock() }; return (jobs, workers) }
}

private struct CountingFactory: InboundWorkerFactory {
    let tally: Tally
    func makeWorker(role: WorkerRole) -> InboundWorker {
        tally.worker()
        return CountingWorker(tally: tally)
    }
}

@Suite struct MessageWorkerPoolTests {
    @Test func everyQueuedJobRunsBeforeStopReturns() throws {
        let tally = Tally()
        let pool = MessageWorkerPool()
        try pool.start(children: 3, factory: CountingFactory(tally: tally))
        for _ in 0..<1_000 {
            #expect(pool.submit { _ in tally.job() })
        }
        pool.stop()
        #expect(tally.counts.jobs == 1_000)
        #expect(tally.counts.workers == 3)
    }

    @Test func refusesWorkAfterStop() throws {
        let pool = MessageWorkerPool()
        try pool.start(children: 1, factory: CountingFactory(tally: Tally()))
        pool.stop()
        #expect(pool.submit { _ in } == false)
    }

    @Test func refusesWorkBeyondCapacity() {
        // Not started: nothing drains the queue, so the bound is what stops it.
        let pool = MessageWorkerPool(capacity: 2)
        #expect(pool.submit { _ in })
        #expect(pool.submit { _ in })
        #expect(pool.submit { _ in } == false)
    }
}
