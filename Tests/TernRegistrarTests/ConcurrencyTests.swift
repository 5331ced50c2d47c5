// Many worker threads saving at once: every REGISTER gets its 200, every binding is there once,
// and the counters add up (buckets lock per AOR; counters are atomics).
import Foundation
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct ConcurrencyTests {
    @Test func parallelRegistrationsAllLand() {
        guard let script = RegistrarScript() else { return }
        let threads = 8
        let perThread = 250
        let okCount = Counter()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let worker = WorkerScriptState()
            for i in 0..<perThread {
                // Users overlap between threads: each user gets a contact from every thread.
                let user = "user\(i)"
                let (reply, _) = script.register(
                    user: user, contacts: ["<sip:\(user)@10.0.\(thread).1:5060>"], callID: "t\(thread)-\(i)", worker: worker)
                if reply?.statusCode == 200 { okCount.add() }
            }
        }
        #expect(okCount.value == threads * perThread)
        #expect(script.statistic("location-users") == perThread)
        #expect(script.statistic("location-contacts") == threads * perThread)
        let snapshot = (try? script.table?.snapshot()) ?? []
        #expect(snapshot.count == perThread)
        #expect(snapshot.allSatisfy { $0.record.contacts.count == threads })
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
