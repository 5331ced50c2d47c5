import TernRuntime
import TernScript
import TernStorage

/// usrloc — the user location table the registrar saves into and looks up (Kamailio's
/// usrloc): memory sharded by AOR, `db_mode` 0–4 against TernStorage, a timer expiring
/// contacts, the `ul.*` management commands and SER's `ul_show_contact`/`ul_add`/`ul_rm`.
final class UsrlocModule: TernModule, @unchecked Sendable {
    let name = "usrloc"
    private(set) var location: UserLocation?
    private var timer: ContactExpiryTimer?
    private var services: RuntimeServices?

    private static let intParameters = [
        "db_mode", "timer_interval", "use_domain", "matching_mode", "nat_bflag", "desc_time_order", "cseq_delay",
        "hash_size", "db_load", "db_insert_update", "fetch_rows", "timer_procs", "db_update_as_insert",
        "db_check_update", "db_ops_ruid", "handle_lost_tcp", "close_expired_tcp", "expires_type",
        "skip_remote_socket", "server_id_filter", "version_table", "ka_mode", "ka_timeout", "ka_loglevel",
        "ka_filter", "db_timer_clean", "use_domain_as_db", "rm_expired_delay", "load_rank",
    ]
    private static let stringParameters = [
        "db_url", "xavp_contact", "ka_method", "ka_from", "ka_domain", "ka_xavp", "user_column", "domain_column",
        "contact_column", "expires_column", "q_column", "callid_column", "cseq_column", "flags_column",
        "cflags_column", "user_agent_column", "received_column", "path_column", "socket_column",
        "methods_column", "ruid_column", "instance_column", "reg_id_column", "server_id_column",
        "connection_id_column", "keepalive_column", "partition_column", "last_modified_column",
    ]

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: Self.intParameters.map { ParameterDeclaration(name: $0, type: .int) }
                + Self.stringParameters.map { ParameterDeclaration(name: $0, type: .string) }
                + [ParameterDeclaration(name: "preload", type: .string, repeatable: true)],
            functions: [],
            pseudoVariables: [])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        var settings = UsrlocSettings()
        for parameter in parameters {
            switch (parameter.parameter, parameter.value) {
            case ("db_mode", .int(let mode)):
                guard let value = UsrlocDatabaseMode(rawValue: mode) else {
                    throw ConfigurationError("usrloc db_mode \(mode) is not one of 0, 1, 2, 3, 4", at: parameter.location)
                }
                settings.databaseMode = value
            case ("db_url", .string(let url)):
                settings.databaseURL = url
                settings.baseDirectory = DefaultDatabase.directory(ofConfigFile: parameter.location.file)
            case ("timer_interval", .int(let seconds)):
                guard seconds > 0 else {
                    throw ConfigurationError("usrloc timer_interval must be a positive number of seconds", at: parameter.location)
                }
                settings.timerInterval = seconds
            case ("use_domain", .int(let flag)): settings.useDomain = flag != 0
            case ("matching_mode", .int(let mode)):
                guard let value = ContactMatching(rawValue: mode) else {
                    throw ConfigurationError("usrloc matching_mode \(mode) is not one of 0, 1, 2, 3", at: parameter.location)
                }
                settings.matching = value
            case ("desc_time_order", .int(let flag)): settings.newestFirst = flag != 0
            case ("cseq_delay", .int(let seconds)): settings.cseqDelay = max(0, seconds)
            case ("hash_size", .int(let size)):
                guard (1...16).contains(size) else {
                    throw ConfigurationError("usrloc hash_size \(size) is outside 1–16 (log2 of the slot count)", at: parameter.location)
                }
                settings.hashSize = size
            case ("nat_bflag", .int(let flag)):
                guard (-1...31).contains(flag) else {
                    throw ConfigurationError("usrloc nat_bflag \(flag) is not a branch flag (0–31)", at: parameter.location)
                }
                settings.natBranchFlag = flag
            case ("preload", .string(let table)): settings.preload.append(table)
            default: break
            }
            // The default SQLite file lives beside the config, like an explicit relative one.
            if settings.baseDirectory == nil { settings.baseDirectory = DefaultDatabase.directory(ofConfigFile: parameter.location.file) }
        }
        var pool: DatabasePool?
        if settings.databaseMode.usesDatabase {
            // The location tables are made by LocationPersistence, per preloaded table name.
            pool = try ModuleDatabase.open(settings.databaseURL, baseDirectory: settings.baseDirectory, tables: nil,
                                           module: "usrloc", services: services)
        }
        let location = UserLocation(settings: settings, statistics: services.statistics, pool: pool)
        do throws(LocationStoreError) {
            for table in settings.preload { _ = try location.table(named: table) }
        } catch {
            throw ConfigurationError(error.message)
        }
        self.location = location
        UserLocationDirectory.register(location, for: services)
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        guard let location else { return }
        let timer = ContactExpiryTimer(interval: location.settings.timerInterval) { [weak self] in
            self?.timerRound()
        }
        guard timer.start() else { throw ConfigurationError("usrloc: cannot start the expiry timer thread") }
        self.timer = timer
    }

    func stop() {
        timer?.stop()
        timer = nil
        if let location, location.settings.databaseMode == .writeBack, location.pool != nil {
            do throws(LocationStoreError) {
                try location.flushAll()
            } catch {
                services?.logger.error("usrloc: \(error.message)")
            }
        }
        location?.pool?.close()
    }

    private func timerRound() {
        guard let location else { return }
        let gone = location.timerTick()
        if let services { ContactExpiredEvent.run(gone, now: location.now, script: services.script, services: services) }
    }

    var rpcCommands: [RPCCommand] {
        UsrlocCommands(module: self).all
    }
}
