// Parser cost per message: time and heap allocations of SIPMessage.parse alone (start line and
// header boundaries), and of parse plus the fields every request handler reads (top Via, From,
// To, CSeq, Call-ID). Targets: parse + fields under 1 µs and at most 2 mallocs per message.
import Benchmark
import SIPCore

let benchmarks: @Sendable () -> Void = {
    // 1000 messages per measured iteration, so clock reads and bookkeeping vanish from the
    // per-message figures (the '*' columns in the report are per message).
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 5,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    for sample in SampleMessages.all {
        let bytes = sample.bytes
        // A sample the parser rejects would only measure the error path: fail loudly instead.
        do {
            let message = try SIPMessage.parse(bytes)
            _ = try message.topVia()
            _ = try message.from()
            _ = try message.to()
            _ = try message.cseq()
            _ = try message.callIDRange()
        } catch {
            fatalError("sample \(sample.name) does not parse: \(error)")
        }

        Benchmark("parse \(sample.name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? SIPMessage.parse(bytes))
            }
        }

        Benchmark("parse+fields \(sample.name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? parseWithFields(bytes))
            }
        }
    }
}

/// What a stateless handler reads from every request before it decides anything.
@inline(never)
func parseWithFields(_ bytes: [UInt8]) throws -> Int {
    let message = try SIPMessage.parse(bytes)
    blackHole(try message.topVia())
    blackHole(try message.from())
    blackHole(try message.to())
    blackHole(try message.cseq())
    return try message.callIDRange().count
}
