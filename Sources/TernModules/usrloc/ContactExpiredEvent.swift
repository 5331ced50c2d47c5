import SIPCore
import TernRuntime
import TernScript

/// event_route[usrloc:contact-expired]: run by the timer for each binding it removed, after
/// the bucket locks are released, on a request faked as Kamailio's core fakes one; the route
/// reads the binding as `$ulc(exp=>addr)`, `$ulc(exp=>aor)` ….
enum ContactExpiredEvent {
    static let route = RouteKind.event("usrloc:contact-expired")
    /// The binding the running route is about.
    static let key = ScriptContextKey<ExpiredBinding>()

    struct ExpiredBinding {
        var table: String
        var aor: String
        var contact: LocationContact
        var now: Int
    }

    static func run(
        _ gone: [(table: String, aor: String, contact: LocationContact)], now: Int, script: CompiledScript?,
        services: RuntimeServices, worker: WorkerScriptState? = nil
    ) {
        guard !gone.isEmpty, let script, script.hasRoute(route) else { return }
        let worker = worker ?? WorkerScriptState(logger: services.logger)
        worker.runtime = services
        for entry in gone {
            guard let context = FakedRequest.context(worker: worker) else { return }
            context[key] = ExpiredBinding(table: entry.table, aor: entry.aor, contact: entry.contact, now: now)
            _ = script.run(route, context)
        }
    }
}
