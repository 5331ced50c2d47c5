// htable — shared hash tables for the script, as Kamailio's htable module: tables defined
// by `modparam("htable", "htable", "name=>size=N;autoexpire=S;…")`, items read and written
// through $sht(table=>key) by every worker, sht_* functions, event_route[htable:mod-init]
// to fill tables at start-up, expiry on a timer, and the htable.* management commands.
// Loading tables from a database (dbtable) and DMQ replication come with those layers.
import SIPCore
import TernRuntime
import TernScript

final class HTableModule: TernModule, @unchecked Sendable {
    let name = "htable"
    /// The tables by name. Filled by configure() before any message and never changed after,
    /// so workers read it without a lock; each table guards its own slots.
    private(set) var tables: [String: HTable] = [:]
    private(set) var timerInterval = 20
    /// One handle per table name the script uses, filled in by configure().
    private var handles: [String: HTableHandle] = [:]
    private let handlesLock = Lock()
    private var services: RuntimeServices?
    private var expiryTimer: HTableExpiryTimer?
    /// The clock new tables use (tests give their own).
    var clock: HTableClock = HTableSystemClock.now

    var declaration: ModuleDeclaration {
        let stringParameters = [
            "db_url", "key_name_column", "key_type_column", "value_type_column", "key_value_column", "expires_column",
            "array_size_suffix", "event_callback",
        ]
        let intParameters = ["fetch_rows", "timer_interval", "db_expires", "enable_dmq", "dmq_init_sync", "timer_procs", "event_callback_mode"]
        let parameters = [ParameterDeclaration(name: "htable", type: .string, repeatable: true)]
            + stringParameters.map { ParameterDeclaration(name: $0, type: .string) }
            + intParameters.map { ParameterDeclaration(name: $0, type: .int) }
        return ModuleDeclaration(
            name: name, parameters: parameters, functions: functionDeclarations, pseudoVariables: pseudoVariableDeclarations)
    }

    var rpcCommands: [RPCCommand] { commandList }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        var defined: [String: HTable] = [:]
        for p in parameters {
            switch (p.parameter, p.value) {
            case ("htable", let value):
                let definition: HTableDefinition
                do {
                    definition = try HTableDefinition.parse(value.stringValue)
                } catch {
                    throw ConfigurationError(error.message, at: p.location)
                }
                guard defined[definition.name] == nil else {
                    throw ConfigurationError("htable '\(definition.name)' is defined twice", at: p.location)
                }
                if definition.dbTable != nil {
                    throw ConfigurationError(Self.databaseMissing(definition.name), at: p.location)
                }
                if definition.sizeExponent > HTableDefinition.largestSizeExponent {
                    services.logger.warning("htable '\(definition.name)': size \(definition.sizeExponent) is capped at \(HTableDefinition.largestSizeExponent) (\(p.location))")
                }
                if definition.dmqReplicate != 0 {
                    services.logger.warning("htable '\(definition.name)': dmqreplicate is accepted, but Tern has no DMQ yet; the table stays local to this node (\(p.location))")
                }
                defined[definition.name] = HTable(definition: definition, clock: clock)
            case ("timer_interval", .int(let seconds)):
                guard seconds > 0 else { throw ConfigurationError("htable timer_interval must be at least 1 second", at: p.location) }
                timerInterval = seconds
            case ("enable_dmq", .int(let v)) where v != 0:
                services.logger.warning("htable: enable_dmq is accepted, but Tern has no DMQ yet; tables stay local (\(p.location))")
            case ("event_callback", _):
                services.logger.warning("htable: event_callback names a KEMI function; Tern runs event_route blocks (\(p.location))")
            default:
                break
            }
        }
        tables = defined
        handlesLock.withLock {
            for handle in handles.values { handle.resolve(in: defined) }
        }
    }

    /// The handle compiled accessors keep for table `name`.
    func handle(for name: String) -> HTableHandle {
        handlesLock.withLock {
            if let known = handles[name] { return known }
            let made = HTableHandle(name: name, table: tables[name])
            handles[name] = made
            return made
        }
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        if let script = services.script { runModInit(script: script, services: services) }
        guard tables.values.contains(where: { $0.definition.autoexpire > 0 }) else { return }
        let worker = WorkerScriptState(logger: services.logger)
        worker.runtime = services
        expiryTimer = HTableExpiryTimer(intervalSeconds: timerInterval) { [unowned self] in
            self.sweepExpired(script: services.script, worker: worker)
        }
    }

    func stop() {
        expiryTimer?.stop()
        expiryTimer = nil
    }
}
