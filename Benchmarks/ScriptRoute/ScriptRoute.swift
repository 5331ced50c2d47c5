// Cost of running a compiled routing script on one message: nanoseconds and heap allocations
// per run of RouteConfig's 40-statement request route (15 pseudo-variable reads, 5 string
// comparisons, 2 regex matches, xlog at a disabled level). Each run gets a fresh ScriptContext
// and a message parsed beforehand, so lazily parsed header views start cold as in the server;
// parsing itself is measured by the SIPParser benchmarks. Target: under 2 µs and under 10
// allocations per run.
import Benchmark
import SIPCore
import TernModules
import TernScript

/// Replies are never sent by this route; the channel only has to exist.
final class DiscardingReplyChannel: ReplyChannel, @unchecked Sendable {
    func send(_ bytes: [UInt8]) {}
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 5,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    // The real xlog module; its instance must outlive the script (the calls refer back to it).
    guard let xlog = BuiltinModules.all.first(where: { $0.name == "xlog" })?.make() else {
        fatalError("the xlog module is not built in")
    }
    let symbols = ScriptSymbols(availableModules: [xlog.declaration], coreFunctions: [])
    let script: CompiledScript
    switch ConfigLoader.load(ConfigLoadRequest(path: "route.cfg", defines: []), symbols: symbols,
                             provider: InMemorySourceProvider(files: ["route.cfg": RouteConfig.text])) {
    case .success(let config): script = config.script
    case .failure(let errors): fatalError("benchmark route does not compile:\n\(errors)")
    }
    guard let route = script.handle(for: .request) else { fatalError("benchmark route has no request_route") }
    let receive = ReceiveInfo(
        proto: .udp, source: SocketAddressText(ip: "192.0.2.10", port: 5062),
        local: SocketAddressText(ip: "192.0.2.1", port: 5060), reply: DiscardingReplyChannel())

    // The route must take its full path: a run that exits early would measure less.
    do {
        let worker = WorkerScriptState()
        let ctx = ScriptContext(message: try SIPMessage.parse(RouteConfig.invite), receive: receive, worker: worker, routeType: .request)
        let outcome = script.run(route, ctx)
        guard outcome.returnCode == 1, !outcome.exited, worker.variable(named: "done") == .int(1),
            worker.variable(named: "route") == .string("internal")
        else { fatalError("benchmark route did not run to its end: \(outcome)") }
    } catch {
        fatalError("benchmark message does not parse: \(error)")
    }

    Benchmark("script route 40 statements") { benchmark in
        let worker = WorkerScriptState()
        var messages: [SIPMessage] = []
        messages.reserveCapacity(benchmark.scaledIterations.count)
        for _ in benchmark.scaledIterations {
            guard let m = try? SIPMessage.parse(RouteConfig.invite) else { fatalError("message does not parse") }
            messages.append(m)
        }
        benchmark.startMeasurement()
        for message in messages {
            let ctx = ScriptContext(message: message, receive: receive, worker: worker, routeType: .request)
            blackHole(script.run(route, ctx))
        }
        benchmark.stopMeasurement()
        withExtendedLifetime(xlog) {}
    }
}
