// The event routes htable runs: event_route[htable:mod-init] once at start-up, before the
// first message (to fill tables), and event_route[htable:expired:<table>] for each item the
// expiry sweep removes ($shtrecord(key|value) names it). Kamailio runs both on a faked
// request (FakedRequest), as does Tern.
import TernRuntime
import TernScript

/// The item an expiry route is about ($shtrecord), per running context.
struct HTableExpiredRecord {
    var key: String
    var value: HTableValue
    static let contextKey = ScriptContextKey<HTableExpiredRecord>()
}

extension HTableModule {
    static let modInitRoute = RouteKind.event("htable:mod-init")

    /// Runs event_route[htable:mod-init] if the script has one. Returns its outcome.
    @discardableResult
    func runModInit(script: CompiledScript, services: RuntimeServices?) -> RouteOutcome? {
        guard script.hasRoute(Self.modInitRoute) else { return nil }
        let worker = services.map { WorkerScriptState(logger: $0.logger) } ?? WorkerScriptState()
        worker.runtime = services
        guard let ctx = FakedRequest.context(worker: worker) else { return nil }
        return script.run(Self.modInitRoute, ctx)
    }

    /// One expiry sweep over every table: removes what has expired and runs
    /// event_route[htable:expired:<table>] for each removed item (after the slot locks are
    /// released, so the route may use the table).
    func sweepExpired(script: CompiledScript?, worker: WorkerScriptState) {
        for table in tables.values where table.definition.autoexpire > 0 {
            let gone = table.removeExpired()
            guard !gone.isEmpty, let script else { continue }
            let route = RouteKind.event("htable:expired:" + table.name)
            guard script.hasRoute(route) else { continue }
            for (key, item) in gone {
                guard let ctx = FakedRequest.context(worker: worker) else { return }
                ctx[HTableExpiredRecord.contextKey] = HTableExpiredRecord(key: key, value: item.value)
                _ = script.run(route, ctx)
            }
        }
    }
}
