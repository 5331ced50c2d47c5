#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import SIPCore
import SIPTransaction
import TernRuntime
import TernScript
import TernStorage

/// acc — Kamailio's accounting: flag a request before t_relay/t_newtran (`log_flag`,
/// `db_flag`) and its transaction is written to the log (`ACC: transaction answered: …`) or
/// the `acc` table when the final reply goes upstream; a negative one only with
/// `failed_transaction_flag`. With `log_missed_flag` / `db_missed_flag` an INVITE that fails
/// (busy, not found, timeout, cancelled) is a missed call (`ACC: call missed: …`, table
/// `missed_calls`), reported when its branches have failed — before failure_route, which must
/// set the flag again to report a further attempt — or when a negative final reply is sent.
/// `acc_log_request(comment)`, `acc_db_request(comment, table)` and `acc_request(comment,
/// table)` account the current request at once. tm tells acc about transactions through its
/// callbacks (TransactionAPI).
final class AccModule: TernModule, @unchecked Sendable {
    let name = "acc"
    private(set) var settings = AccSettings()
    private var services: RuntimeServices?
    private var pool: DatabasePool?
    private var logExtraSpecs: [AccExtraSpec] = []
    private var dbExtraSpecs: [AccExtraSpec] = []
    private var extrasLocation = SourceLocation(file: "", line: 0, column: 0)
    private(set) var logExtra = AccExtraColumns.none
    private(set) var dbExtra = AccExtraColumns.none
    private var extrasBound = false
    let tracker = AccTransactionTracker()
    /// The clock of records (Unix seconds); tests inject their own.
    var now: @Sendable () -> Int64 = { Int64(time(nil)) }
    /// Where records' log lines go; nil: the logger of the thread that accounts.
    var logSink: (@Sendable (Logger.Level, String) -> Void)?

    private static let intParameters = [
        "log_flag", "log_missed_flag", "db_flag", "db_missed_flag", "failed_transaction_flag", "report_ack",
        "report_cancels", "detect_direction", "early_media", "log_level", "db_insert_mode", "time_mode",
        "acc_prepare_flag", "cdr_enable", "clone_msg", "reason_from_hf", "acc_extra_nullable",
    ]
    private static let stringParameters = [
        "log_facility", "log_extra", "db_extra", "db_url", "db_table_acc", "db_table_missed_calls", "failed_filter",
        "acc_method_column", "acc_from_tag_column", "acc_to_tag_column", "acc_callid_column", "acc_sip_code_column",
        "acc_sip_reason_column", "acc_time_column", "time_format", "time_attr", "time_exten", "multi_leg_info",
    ]

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: Self.intParameters.map { ParameterDeclaration(name: $0, type: .int) }
                + Self.stringParameters.map { ParameterDeclaration(name: $0, type: .string) },
            functions: [
                FunctionDeclaration(name: "acc_log_request", argumentCounts: 1 ... 1, routeTypes: .any) {
                    [unowned self] args, at throws(Diagnostic) in
                    let comment = args[0]
                    return { ctx in self.logRequest(ctx, comment: comment.evaluateString(ctx) ?? "") }
                },
                FunctionDeclaration(name: "acc_db_request", argumentCounts: 2 ... 2, routeTypes: .any) {
                    [unowned self] args, at throws(Diagnostic) in
                    let comment = args[0], table = args[1]
                    return { ctx in
                        self.databaseRequest(ctx, comment: comment.evaluateString(ctx) ?? "", table: table.evaluateString(ctx) ?? "",
                                             function: "acc_db_request", at: at)
                    }
                },
                FunctionDeclaration(name: "acc_request", argumentCounts: 2 ... 2, routeTypes: .any) {
                    [unowned self] args, at throws(Diagnostic) in
                    let comment = args[0], table = args[1]
                    return { ctx in
                        let text = comment.evaluateString(ctx) ?? ""
                        let logged = self.logRequest(ctx, comment: text)
                        guard self.pool != nil else { return logged }
                        return self.databaseRequest(ctx, comment: text, table: table.evaluateString(ctx) ?? "",
                                                    function: "acc_request", at: at)
                    }
                },
            ]
        )
    }

    // MARK: - Start-up

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        var s = AccSettings()
        var baseDirectory: String?
        for p in parameters {
            func flag(_ v: Int) throws(ConfigurationError) -> Int? {
                switch AccSettings.flag(v) {
                case .success(let f): return f
                case .failure(let e): throw ConfigurationError("acc \(p.parameter): \(e.text)", at: p.location)
                }
            }
            switch (p.parameter, p.value) {
            case ("log_flag", .int(let v)): s.logFlag = try flag(v)
            case ("log_missed_flag", .int(let v)): s.logMissedFlag = try flag(v)
            case ("db_flag", .int(let v)): s.dbFlag = try flag(v)
            case ("db_missed_flag", .int(let v)): s.dbMissedFlag = try flag(v)
            case ("failed_transaction_flag", .int(let v)): s.failedTransactionFlag = try flag(v)
            case ("report_ack", .int(let v)): s.reportAck = v != 0
            case ("report_cancels", .int(let v)): s.reportCancels = v != 0
            case ("detect_direction", .int(let v)): s.detectDirection = v != 0
            case ("early_media", .int(let v)): s.earlyMedia = v != 0
            case ("log_level", .int(let v)):
                guard (-5 ... 3).contains(v) else {
                    throw ConfigurationError("acc log_level \(v) is not a Kamailio log level (-5 … 3; 1 = NOTICE)", at: p.location)
                }
                s.logLevel = v
            case ("log_facility", .string(let v)): s.logFacility = v
            case ("log_extra", .string(let v)):
                logExtraSpecs = try Self.extras(v, p)
                s.logExtra = v
                extrasLocation = p.location
            case ("db_extra", .string(let v)):
                dbExtraSpecs = try Self.extras(v, p)
                s.dbExtra = v
                extrasLocation = p.location
            case ("db_url", .string(let v)):
                s.dbURL = v
                baseDirectory = DefaultDatabase.directory(ofConfigFile: p.location.file)
            case ("db_table_acc", .string(let v)): s.tableAcc = v
            case ("db_table_missed_calls", .string(let v)): s.tableMissedCalls = v
            case ("failed_filter", .string(let v)):
                switch AccSettings.codes(v) {
                case .success(let codes): s.failedFilter = codes
                case .failure(let e): throw ConfigurationError("acc failed_filter: \(e.text)", at: p.location)
                }
            case ("acc_method_column", .string(let v)): s.columns.method = v
            case ("acc_from_tag_column", .string(let v)): s.columns.fromTag = v
            case ("acc_to_tag_column", .string(let v)): s.columns.toTag = v
            case ("acc_callid_column", .string(let v)): s.columns.callID = v
            case ("acc_sip_code_column", .string(let v)): s.columns.sipCode = v
            case ("acc_sip_reason_column", .string(let v)): s.columns.sipReason = v
            case ("acc_time_column", .string(let v)): s.columns.time = v
            default: break   // accepted for compatibility: time_mode, clone_msg, cdr_enable …
            }
        }
        if s.reportAck {
            services.logger.warning("acc: report_ack is accepted but ACKs are not accounted yet (tm reports no end-to-end ACK)")
        }
        // Kamailio's acc writes to a database when db_url is set; Tern also when a db flag
        // is set without one: the SQLite file beside the config, as every db module.
        if s.dbURL != nil || s.dbFlag != nil || s.dbMissedFlag != nil {
            let url = s.dbURL ?? DefaultDatabase.url
            if s.dbURL == nil { baseDirectory = parameters.first.flatMap { DefaultDatabase.directory(ofConfigFile: $0.location.file) } }
            // Only acc's own tables: the other modules make theirs (and an operator's
            // subscriber table with extra columns is not pre-empted).
            if let pool = try ModuleDatabase.open(url, baseDirectory: baseDirectory,
                                                  tables: [KamailioSchema.version, KamailioSchema.acc, KamailioSchema.missedCalls],
                                                  module: "acc", services: services) {
                self.pool?.close()
                self.pool = pool
            }
        }
        settings = s
        try bindExtras(services)
    }

    private static func extras(_ text: String, _ p: ModuleParameterSetting) throws(ConfigurationError) -> [AccExtraSpec] {
        switch AccExtraSpec.parse(text) {
        case .success(let specs): return specs
        case .failure(let e): throw ConfigurationError("acc \(p.parameter) \"\(text)\": \(e.text)", at: p.location)
        }
    }

    /// Binds the extras' pseudo-variables once, in the serving script's scope.
    private func bindExtras(_ services: RuntimeServices) throws(ConfigurationError) {
        guard !logExtraSpecs.isEmpty || !dbExtraSpecs.isEmpty else {
            extrasBound = true
            return
        }
        // A test harness may install its script after configure: start binds then.
        guard let script = services.script else { return }
        do throws(Diagnostic) {
            logExtra = try AccExtraColumns(logExtraSpecs, script: script, at: extrasLocation)
            dbExtra = try AccExtraColumns(dbExtraSpecs, script: script, at: extrasLocation)
            extrasBound = true
        } catch {
            throw ConfigurationError("acc extra: \(error.message)", at: extrasLocation)
        }
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        if !extrasBound { try bindExtras(services) }
        let s = settings
        let wantsTransactions = s.logFlag != nil || s.dbFlag != nil || s.logMissedFlag != nil || s.dbMissedFlag != nil
        guard wantsTransactions else { return }
        guard let tm = TransactionAPI.service(for: services) else {
            throw ConfigurationError("acc: accounting transactions needs the tm module: add loadmodule \"tm.so\"")
        }
        let registered = tm.register(events: [.requestIn, .responseOut, .onFailure, .destroyed], context: nil) {
            // Weak both ways: tm keeps the callback, and neither module keeps the other alive.
            [weak self, weak tm] info in
            guard let self, let tm else { return }
            self.transactionEvent(info, tm: tm)
        }
        if !registered {
            services.logger.error("acc: tm does not offer transaction callbacks yet: transactions are not accounted")
        }
    }

    func stop() {
        pool?.close()
    }

    // MARK: - Transactions

    /// Script state for evaluating extras on tm's thread (no `$var` survives a callback).
    private func callbackWorker() -> WorkerScriptState {
        WorkerScriptState(logger: services?.logger ?? Logger(label: "acc"))
    }

    /// One tm event, on the thread tm runs it on (with the transaction's lock held).
    func transactionEvent(_ info: TransactionCallbackInfo, tm: any TransactionService) {
        switch info.event {
        case .destroyed:
            tracker.destroyed(info.transaction)
            return
        case .requestIn:
            // A context costs allocations on every transaction: not for one never followed.
            if info.request.method == .cancel && !settings.reportCancels { return }
            guard let ctx = tm.requestContext(of: info.transaction, worker: callbackWorker()) else { return }
            tracker.requestIn(info.transaction, method: info.request.method, flags: ctx.messageFlags, settings: settings)
            return
        default:
            break
        }
        // A provisional reply is accounted only as early media: no context for a 100/180 otherwise.
        if info.event == .responseOut && info.code < 200 && !settings.earlyMedia { return }
        guard tracker.isWatching(info.transaction),
              let ctx = tm.requestContext(of: info.transaction, worker: callbackWorker())
        else { return }
        let actions: AccActions
        switch info.event {
        case .onFailure:
            actions = tracker.failed(info.transaction, code: info.code, flags: ctx.messageFlags, settings: settings)
        case .responseOut:
            let hasBody = info.reply.map { !$0.bodyRange.isEmpty } ?? false
            actions = tracker.replySent(info.transaction, code: info.code, flags: ctx.messageFlags, hasBody: hasBody,
                                        settings: settings)
        default:
            return
        }
        guard !actions.isEmpty else { return }
        write(actions, info, ctx)
        if actions.clearFlags != 0 {
            ctx.messageFlags &= ~actions.clearFlags
            _ = tm.setMessageFlags(ctx.messageFlags, of: info.transaction)
        }
    }

    private func write(_ actions: AccActions, _ info: TransactionCallbackInfo, _ ctx: ScriptContext) {
        let localTag = services?.localTags.tag(for: info.request)
        let upstream = settings.detectDirection && AccDirection.isUpstream(info.request)
        func record(_ kind: AccRecord.Kind) -> AccRecord {
            AccRecordFields.record(kind, request: info.request, reply: info.reply, code: info.code,
                                   localToTag: localTag, timestamp: now(), swapDirection: upstream)
        }
        if actions.logMissed { log(record(.missed), ctx) }
        if actions.dbMissed { insert(record(.missed), table: settings.tableMissedCalls, ctx) }
        if actions.logAnswered { log(record(.answered), ctx) }
        if actions.dbAnswered { insert(record(.answered), table: settings.tableAcc, ctx) }
    }

    // MARK: - Writing

    private func log(_ base: AccRecord, _ ctx: ScriptContext) {
        var record = base
        record.extras = Array(zip(logExtra.names, logExtra.evaluate(ctx)))
        let level = ScriptLogLevel.level(settings.logLevel)
        if let logSink {
            logSink(level, record.logLine)
        } else {
            let logger = services?.logger ?? ctx.worker.logger
            logger.log(level: level, Logger.Message(stringLiteral: record.logLine))
        }
    }

    @discardableResult
    private func insert(_ base: AccRecord, table: String, _ ctx: ScriptContext) -> Bool {
        guard let pool else { return false }
        var record = base
        record.extras = Array(zip(dbExtra.names, dbExtra.evaluate(ctx)))
        do {
            try AccDatabaseWriter(pool: pool, columns: settings.columns).insert(record, into: table)
            return true
        } catch {
            (services?.logger ?? ctx.worker.logger).error("acc: cannot write to table \(table): \(error.message)")
            return false
        }
    }

    // MARK: - Script functions

    private func logRequest(_ ctx: ScriptContext, comment: String) -> Int {
        log(AccRecordFields.record(comment: comment, request: ctx.message, timestamp: now()), ctx)
        return 1
    }

    private func databaseRequest(_ ctx: ScriptContext, comment: String, table: String, function: String, at: SourceLocation) -> Int {
        guard pool != nil else {
            ctx.logFunctionError(function, "no database: set modparam(\"acc\", \"db_url\", …)", at: at)
            return -1
        }
        guard !table.isEmpty else {
            ctx.logFunctionError(function, "empty table name", at: at)
            return -1
        }
        return insert(AccRecordFields.record(comment: comment, request: ctx.message, timestamp: now()), table: table, ctx) ? 1 : -1
    }
}

/// detect_direction: a request going from callee to caller (a BYE from the callee) carries
/// the caller's From-tag in our Record-Route's `ftag`, not in its own From; acc then swaps
/// the tags so a dialog's records agree (rr's is_direction("upstream")).
enum AccDirection {
    static func isUpstream(_ request: SIPMessage) -> Bool {
        guard let route = request.firstHeader(.route) else { return false }
        let value = Array(request.bytes[route.valueRange])
        guard let ftag = parameter("ftag", in: value) else { return false }
        return ftag != AccRecordFields.tag(of: request, from: true)
    }

    /// The value of `;name=` in the first URI of a Route value.
    static func parameter(_ name: String, in value: [UInt8]) -> String? {
        let text = String(decoding: value, as: UTF8.self)
        let first = text.split(separator: ",", maxSplits: 1).first ?? Substring(text)
        for piece in first.split(separator: ";").dropFirst() {
            let parts = piece.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingSpaces.lowercased() == name else { continue }
            var v = parts[1].trimmingSpaces
            while let last = v.last, last == ">" || last == " " { v = v.dropLast() }
            return String(v)
        }
        return nil
    }
}
