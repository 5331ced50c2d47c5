// tm — transaction management (RFC 3261 §16, §17): stateful forwarding with parallel and
// serial forking, failure/reply/branch routes, local stateful replies, CANCEL and ACK
// handling, timers. The machines themselves live in the SIPTransaction target; this module
// feeds them from the script and the network and carries out their actions. tmx's functions
// and pseudo-variables are the `tmx` module, made from the same class (Kamailio has two
// modules sharing tm's internals; here they share the engine).
import SIPCore
import SIPTransaction
import SIPTransport
import TernRuntime
import TernScript

final class TMModule: TernModule, TransactionService, @unchecked Sendable {
    let name: String
    private(set) var settings = TMSettings()
    private(set) var core: TMCore?
    private var services: RuntimeServices?
    /// tmx's view of tm's engine; weak, as the registry's, so tmx does not keep it alive.
    private weak var tmEngine: TMCore?
    /// Only the `tm` instance runs the engine; `tmx` uses tm's.
    private let ownsEngine: Bool

    init(name: String = "tm") {
        self.name = name
        ownsEngine = name == "tm"
    }

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: ownsEngine ? settings.declarations : [ParameterDeclaration(name: "precheck_trans", type: .int)],
            functions: ownsEngine ? tmFunctions : tmxFunctions,
            pseudoVariables: ownsEngine ? [] : pseudoVariableDeclarations + [transactionPseudoVariable])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        guard ownsEngine else {
            resolveEngine(services)
            return
        }
        try settings.apply(parameters)
        let core = TMCore(services: services, settings: settings)
        self.core = core
        services.addReplyConsumer(core)
        if let requests = core.asyncState.localRequests { services.addReplyConsumer(requests) }
        TransactionAPI.register(self, for: services)
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        if !ownsEngine { resolveEngine(services) }
        core?.timers.startThread()
    }

    func stop() {
        guard ownsEngine else { return }
        core?.timers.stopThread()
        core?.asyncState.stop()
        if let services { TransactionAPI.unregister(for: services) }
    }

    // MARK: TransactionService

    func transactionID(of context: ScriptContext) -> TransactionID? {
        core?.transaction(of: context)?.id
    }

    func replyIfStateful(_ context: ScriptContext, code: Int, reason: String) -> Int? {
        guard let core, core.transaction(of: context) != nil else { return nil }
        return core.reply(context, code: code, reason: reason)
    }

    func requestContext(of id: TransactionID, worker: WorkerScriptState) -> ScriptContext? {
        guard let core, let t = core.table.lookup(id) else { return nil }
        return t.replyLock.withLock { t.freed ? nil : core.requestContext(t, worker: worker, routeType: .failure) }
    }

    func setMessageFlags(_ flags: UInt32, of id: TransactionID) -> Bool {
        guard let core, let t = core.table.lookup(id) else { return false }
        return t.replyLock.withLock {
            guard !t.freed else { return false }
            t.saved.messageFlags = flags
            return true
        }
    }

    // MARK: functions

    private static let requestAndFailure: RouteTypes = [.request, .failure]
    private static let replyRoutes: RouteTypes = [.request, .failure, .onReply]

    private var tmFunctions: [FunctionDeclaration] {
        var list: [FunctionDeclaration] = [
            FunctionDeclaration(name: "t_relay", argumentCounts: 0 ... 2, routeTypes: Self.requestAndFailure) {
                [unowned self] args, at throws(Diagnostic) in
                if args.count == 1 {
                    throw .error("t_relay takes no argument or a host and a port", at: at)
                }
                let host = args.first
                let port = args.count > 1 ? args[1] : nil
                return { context in
                    guard let core = self.core else { return -1 }
                    guard let host else { return core.relay(context) }
                    return core.relay(context, override: RelayOverride(
                        host: host.evaluateString(context), port: port?.evaluateInt(context), proto: nil))
                }
            },
            FunctionDeclaration(name: "t_relay_to", argumentCounts: 0 ... 2, routeTypes: Self.requestAndFailure) {
                [unowned self] args, _ throws(Diagnostic) in
                let proxy = args.first
                return { context in
                    guard let core = self.core else { return -1 }
                    guard let text = proxy?.evaluateString(context), !text.isEmpty else { return core.relay(context) }
                    guard let target = RelayTargetText.parse(text) else {
                        context.worker.logger.error("t_relay_to: cannot read the destination '\(text)'")
                        return -1
                    }
                    return core.relay(context, override: target)
                }
            },
            FunctionDeclaration(name: "t_relay_cancel", argumentCounts: 0 ... 0, routeTypes: .request) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.core?.relayCancelFunction(context) ?? -1 }
            },
            FunctionDeclaration(name: "t_newtran", argumentCounts: 0 ... 0, routeTypes: .request) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.core?.newTransactionFunction(context) ?? -1 }
            },
            replyFunction("t_reply", creating: false),
            replyFunction("t_send_reply", creating: true),
            FunctionDeclaration(name: "t_check_trans", argumentCounts: 0 ... 0, routeTypes: [.request, .onReply, .coreReply, .branch, .failure]) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.core?.checkTransaction(context) ?? -1 }
            },
            FunctionDeclaration(name: "t_lookup_request", argumentCounts: 0 ... 0, routeTypes: .request) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.core?.lookupRequest(context) ?? -1 }
            },
            FunctionDeclaration(name: "t_lookup_cancel", argumentCounts: 0 ... 1, routeTypes: .request, argumentKinds: [.integer]) {
                [unowned self] args, _ throws(Diagnostic) in
                let copy = args.first?.constantInt ?? 0
                return { context in self.core?.lookupCancel(context, copyFlags: copy != 0) ?? -1 }
            },
            FunctionDeclaration(name: "t_retransmit_reply", argumentCounts: 0 ... 0, routeTypes: Self.requestAndFailure) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.core?.retransmitReply(context) ?? -1 }
            },
            FunctionDeclaration(name: "t_release", argumentCounts: 0 ... 0, routeTypes: .request) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.core?.release(context) ?? -1 }
            },
            armFunction("t_on_failure", .failure, routes: [.request, .failure, .onReply, .branch]),
            armFunction("t_on_reply", .reply, routes: [.request, .failure, .onReply, .branch]),
            armFunction("t_on_branch", .branch, routes: Self.requestAndFailure),
            armFunction("t_on_branch_failure", .branchFailure, routes: [.request, .failure, .onReply, .branch]),
            FunctionDeclaration(name: "t_set_fr", argumentCounts: 1 ... 2, routeTypes: [.request, .failure, .onReply, .branch],
                                argumentKinds: [.integer, .integer]) {
                [unowned self] args, _ throws(Diagnostic) in
                let invite = args[0]
                let nonInvite = args.count > 1 ? args[1] : nil
                return { context in
                    self.setFr(context, invite: invite.evaluateInt(context), nonInvite: nonInvite?.evaluateInt(context))
                }
            },
            FunctionDeclaration(name: "t_reset_fr", argumentCounts: 0 ... 0, routeTypes: [.request, .failure, .onReply, .branch]) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.resetFr(context) }
            },
            question("t_branch_timeout", routes: [.failure]) { t, branch in
                branch.map { t.responses.branches.indices.contains($0) && t.responses.branches[$0].timedOut } ?? false
            },
            question("t_branch_replied", routes: [.failure]) { t, branch in
                branch.map { t.responses.branches.indices.contains($0) && t.responses.branches[$0].replied } ?? false
            },
            question("t_any_timeout", routes: Self.replyRoutes.union(.branch)) { t, _ in
                t.responses.branches.contains { $0.timedOut }
            },
            question("t_any_replied", routes: Self.replyRoutes.union(.branch)) { t, branch in
                t.responses.branches.indices.contains { $0 != branch && t.responses.branches[$0].replied }
            },
            question("t_is_canceled", routes: Self.replyRoutes.union(.branch)) { t, _ in t.canceled },
            FunctionDeclaration(name: "t_check_status", argumentCounts: 1 ... 1, routeTypes: [.request, .failure, .onReply]) {
                [unowned self] args, _ throws(Diagnostic) in
                let argument = args[0]
                var constant: POSIXRegex?
                if let text = argument.constantString {
                    do throws(POSIXRegex.RegexError) {
                        constant = try POSIXRegex.moduleArgument(text)
                    } catch {
                        throw .error("t_check_status: bad regular expression '\(text)': \(error.message)", at: argument.location)
                    }
                }
                return { context in
                    guard let status = self.currentStatus(context) else { return -1 }
                    let regex = constant ?? (try? POSIXRegex.moduleArgument(argument.evaluateString(context) ?? ""))
                    return regex?.matches(String(status)) == true ? 1 : -1
                }
            },
            FunctionDeclaration(name: "t_grep_status", argumentCounts: 1 ... 1, routeTypes: Self.replyRoutes.union(.branch),
                                argumentKinds: [.integer]) {
                [unowned self] args, _ throws(Diagnostic) in
                let argument = args[0]
                return { context in
                    guard let code = argument.evaluateInt(context) else { return -1 }
                    return self.branchQuestion(context) { t, _ in t.responses.branches.contains { $0.finalCode == code } }
                }
            },
            FunctionDeclaration(name: "t_get_status_code", argumentCounts: 0 ... 0, routeTypes: Self.replyRoutes.union(.branch)) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.currentStatus(context) ?? -1 }
            },
            FunctionDeclaration(name: "t_drop_replies", argumentCounts: 0 ... 1, routeTypes: .failure, argumentKinds: [.literal]) {
                [unowned self] args, _ throws(Diagnostic) in
                let mode = args.first?.constantString ?? "a"
                return { context in self.dropReplies(context, mode: mode) }
            },
            FunctionDeclaration(name: "t_load_contacts", argumentCounts: 0 ... 1, routeTypes: Self.requestAndFailure,
                                argumentKinds: [.integer]) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.loadContacts(context) }
            },
            FunctionDeclaration(name: "t_next_contacts", argumentCounts: 0 ... 0, routeTypes: Self.requestAndFailure) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.nextContacts(context) }
            },
            FunctionDeclaration(name: "t_is_set", argumentCounts: 1 ... 1, routeTypes: .any, argumentKinds: [.literal]) {
                [unowned self] args, at throws(Diagnostic) in
                guard let target = args[0].constantString,
                      ["failure_route", "branch_route", "onreply_route"].contains(target) else {
                    throw .error("t_is_set takes \"failure_route\", \"branch_route\" or \"onreply_route\"", at: at)
                }
                return { context in self.isSet(context, target) }
            },
        ]
        for proto in [TransportProtocol.udp, .tcp, .tls, .sctp] {
            list.append(FunctionDeclaration(name: "t_relay_to_\(proto.lowercaseName)", argumentCounts: 0 ... 2,
                                            routeTypes: Self.requestAndFailure) {
                [unowned self] args, at throws(Diagnostic) in
                if args.count == 1 { throw .error("t_relay_to_\(proto.lowercaseName) takes no argument or a host and a port", at: at) }
                let host = args.first
                let port = args.count > 1 ? args[1] : nil
                return { context in
                    self.core?.relay(context, override: RelayOverride(
                        host: host?.evaluateString(context), port: port?.evaluateInt(context), proto: proto)) ?? -1
                }
            })
        }
        return list
    }

    /// tmx's functions (in Kamailio a module of its own).
    private var tmxFunctions: [FunctionDeclaration] {
        var list: [FunctionDeclaration] = [
            FunctionDeclaration(name: "t_precheck_trans", argumentCounts: 0 ... 0, routeTypes: .request) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in self.engine?.precheck(context) ?? -1 }
            },
            FunctionDeclaration(name: "t_flush_flags", argumentCounts: 0 ... 0, routeTypes: .any) {
                [unowned self] _, _ throws(Diagnostic) in
                { context in
                    guard let t = self.engine?.transaction(of: context) else { return -1 }
                    t.replyLock.withLock { t.saved.messageFlags = context.messageFlags }
                    return 1
                }
            },
        ]
        for (function, routes) in [("t_is_failure_route", RouteTypes.failure), ("t_is_branch_route", .branch),
                                   ("t_is_reply_route", .onReply), ("t_is_request_route", .request)] {
            list.append(FunctionDeclaration(name: function, argumentCounts: 0 ... 0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { context in context.routeType.isDisjoint(with: routes) ? -1 : 1 }
            })
        }
        list += suspensionFunctions
        return list
    }

    /// The engine: tm's own, or for tmx the one tm registered for this server (tmx needs tm,
    /// as in Kamailio).
    var engine: TMCore? {
        if let core { return core }
        if let tmEngine { return tmEngine }
        guard let services, let tm = TransactionAPI.service(for: services) as? TMModule else { return nil }
        return tm.core
    }

    /// tmx looks tm's engine up once, before any message (configure when tm was loaded
    /// first, else start), so its functions and pseudo-variables take no registry lock.
    private func resolveEngine(_ services: RuntimeServices) {
        if tmEngine == nil { tmEngine = (TransactionAPI.service(for: services) as? TMModule)?.core }
    }

    private func replyFunction(_ name: String, creating: Bool) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 2 ... 2, routeTypes: Self.replyRoutes) {
            [unowned self] args, at throws(Diagnostic) in
            let code = try SLReplyCode(args[0], function: name)
            let reason = args[1]
            let constantReason = reason.constantString
            return { context in
                guard let core = self.core, let value = code.resolve(context) else {
                    context.worker.logger.error("\(name): reply code is not a number between 100 and 699 (\(at))")
                    return -1
                }
                let text = constantReason ?? reason.evaluateString(context) ?? ""
                if creating { return core.sendReplyCreatingTransaction(context, code: value, reason: text) }
                guard core.transaction(of: context) != nil else {
                    context.worker.logger.error("\(name): no transaction (call t_newtran() or t_relay() first) (\(at))")
                    return -1
                }
                return core.reply(context, code: value, reason: text)
            }
        }
    }

    private func question(_ name: String, routes: RouteTypes, _ body: @escaping (TMTransaction, Int?) -> Bool) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 0 ... 0, routeTypes: routes) { [unowned self] _, _ throws(Diagnostic) in
            { context in self.branchQuestion(context, body) }
        }
    }
}

/// `t_relay_to("udp:1.2.3.4:5060")`, `t_relay_to("1.2.3.4:5060")`, `t_relay_to("host")`.
enum RelayTargetText {
    static func parse(_ text: String) -> RelayOverride? {
        var rest = Substring(text)
        var proto: TransportProtocol?
        if let colon = rest.firstIndex(of: ":"), let p = TransportProtocol(name: String(rest[..<colon])) {
            proto = p
            rest = rest[rest.index(after: colon)...]
        }
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
            rest = rest[...close]
        } else if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = p
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { return nil }
        return RelayOverride(host: String(rest), port: port, proto: proto)
    }
}
