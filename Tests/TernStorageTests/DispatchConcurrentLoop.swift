import Foundation

/// Runs `body(i)` for i in 0..<n on n threads and waits for all (the pool is for blocking threads).
enum DispatchConcurrentLoop {
    static func run(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: n, execute: body)
    }
}
