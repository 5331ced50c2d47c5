import Atomics
import SIPCore
import TernRuntime
import TernScript

/// A table named by a function call, resolved on its first use and kept (tables are never
/// dropped), so a call does not look it up by name each time.
final class TableSlot: @unchecked Sendable {
    let name: String
    private let cached = ManagedAtomicLazyReference<LocationTable>()

    init(_ name: String) { self.name = name }

    func resolve(_ module: RegistrarModule, _ context: ScriptContext) -> LocationTable? {
        if let table = cached.load() { return table }
        guard let table = module.table(name, context) else { return nil }
        return cached.storeIfNilThenLoad(table)
    }
}

/// registrar — save() answers REGISTER requests from usrloc's tables, lookup() turns an AOR
/// into the R-URI and branches, registered()/unregister()/reg_fetch_contacts() read and
/// change bindings from the script (Kamailio's registrar module).
final class RegistrarModule: TernModule, @unchecked Sendable {
    let name = "registrar"
    @exclusivity(unchecked) private(set) var settings = RegistrarSettings()
    @exclusivity(unchecked) private var receivedParam = "received"
    /// The AVP holding the source address for NATed contacts (`$avp(RECEIVED)`), if set.
    @exclusivity(unchecked) private var receivedAVP: String?
    /// The numbers save() applies, from this module's and usrloc's parameters.
    @exclusivity(unchecked) private var rules = BindingRules()
    @exclusivity(unchecked) private var services: RuntimeServices?
    @exclusivity(unchecked) private var statistics: RegistrarStatistics?
    @exclusivity(unchecked) private var location: UserLocation?
    /// Tables the script names, made when the module is configured.
    /// This server's sockets as bindings name them.
    private var localSockets: Set<String> = []
    /// Each listen's socket text as save() stores it ("udp:1.2.3.4:5060"), made once: every
    /// REGISTER would otherwise build it from the receiving address.
    @exclusivity(unchecked) private var socketTexts: [(proto: TransportProtocol, address: SocketAddressText, text: String)] = []
    private let tableNamesLock = Lock()
    private var tableNames: [String] = []

    private static let intParameters = [
        "default_expires", "default_expires_range", "expires_range", "min_expires", "min_expires_mode", "max_expires",
        "default_q", "append_branches", "case_sensitive", "max_contacts", "retry_after", "sock_flag", "sock_mode",
        "method_filtering", "use_path", "path_mode", "path_use_received", "path_check_local", "gruu_enabled",
        "outbound_mode", "regid_mode", "flow_timer", "contact_max_size", "lookup_filter_mode", "use_expired_contacts",
        "reg_callid_avp", "tcp_persistent_flag",
    ]
    private static let stringParameters = [
        "realm_prefix", "received_param", "received_avp", "sock_hdr_name", "xavp_cfg", "xavp_rcd", "event_callback",
    ]

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: Array(Set(Self.intParameters)).sorted().map { ParameterDeclaration(name: $0, type: .int) }
                + Self.stringParameters.map { ParameterDeclaration(name: $0, type: .string) },
            functions: [
                saveFunction, lookupFunction(named: "lookup", mode: .normal),
                lookupFunction(named: "lookup_to_dset", mode: .branchesOnly), lookupBranchesFunction,
                registeredFunction, unregisterFunction, fetchFunction, freeFunction, sendReplyFunction,
                addSocketHeaderFunction,
            ],
            pseudoVariables: [FetchedContacts.declaration()])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        var s = RegistrarSettings()
        var receivedParam = "received"
        var receivedAVP: String?
        for parameter in parameters {
            switch (parameter.parameter, parameter.value) {
            case ("default_expires", .int(let v)): s.defaultExpires = max(0, v)
            case ("default_expires_range", .int(let v)), ("expires_range", .int(let v)):
                guard (0...100).contains(v) else {
                    throw ConfigurationError("registrar \(parameter.parameter) \(v) is not a percentage (0–100)", at: parameter.location)
                }
                if parameter.parameter == "expires_range" { s.expiresRange = v } else { s.defaultExpiresRange = v }
            case ("min_expires", .int(let v)): s.minExpires = max(0, v)
            case ("min_expires_mode", .int(let v)): s.minExpiresMode = v
            case ("max_expires", .int(let v)): s.maxExpires = max(0, v)
            case ("max_contacts", .int(let v)): s.maxContacts = max(0, v)
            case ("default_q", .int(let v)):
                guard v == -1 || (0...1000).contains(v) else {
                    throw ConfigurationError("registrar default_q \(v) is outside 0–1000 (or -1 for unset)", at: parameter.location)
                }
                s.defaultQ = v
            case ("append_branches", .int(let v)): s.appendBranches = v != 0
            case ("case_sensitive", .int(let v)): s.caseSensitive = v != 0
            case ("received_param", .string(let v)): receivedParam = v
            case ("received_avp", .string(let v)):
                guard let name = Self.avpName(v) else {
                    throw ConfigurationError("registrar received_avp '\(v)' is not an AVP ($avp(name))", at: parameter.location)
                }
                receivedAVP = name
            case ("use_path", .int(let v)): s.usePath = v != 0
            case ("path_mode", .int(let v)):
                guard let mode = RegistrarSettings.PathMode(rawValue: v) else {
                    throw ConfigurationError("registrar path_mode \(v) is not one of 0, 1, 2", at: parameter.location)
                }
                s.pathMode = mode
            case ("path_use_received", .int(let v)): s.pathUseReceived = v != 0
            case ("method_filtering", .int(let v)): s.methodFiltering = v != 0
            case ("retry_after", .int(let v)): s.retryAfter = max(0, v)
            case ("contact_max_size", .int(let v)): s.contactMaxSize = max(1, v)
            default: break
            }
        }
        settings = s
        self.receivedParam = receivedParam
        self.receivedAVP = receivedAVP
        localSockets = Set(services.settings.listens.map(\.description))
        socketTexts = services.settings.listens.map { listen in
            let address = SocketAddressText(ip: listen.host, port: listen.port)
            return (listen.proto, address, listen.proto.lowercaseName + ":" + address.description)
        }
        statistics = RegistrarStatistics(services.statistics, settings: s)
        guard let location = UserLocationDirectory.location(for: services) else {
            throw ConfigurationError("registrar needs usrloc: add loadmodule \"usrloc.so\" before loadmodule \"registrar.so\"")
        }
        self.location = location
        rules = BindingRules(s, location.settings)
        do throws(LocationStoreError) {
            for table in tableNamesLock.withLock({ tableNames }) { _ = try location.table(named: table) }
        } catch {
            throw ConfigurationError(error.message)
        }
    }

    /// `$avp(RECEIVED)`, `$avp(s:RECEIVED)` → "RECEIVED".
    private static func avpName(_ text: String) -> String? {
        guard text.hasPrefix("$avp("), text.hasSuffix(")") else { return nil }
        var name = String(text.dropFirst(5).dropLast())
        if name.hasPrefix("s:") { name.removeFirst(2) }
        return name.isEmpty ? nil : name
    }

    // MARK: tables

    private func tableName(_ argument: ScriptArgument, function: String) throws(Diagnostic) -> String {
        guard let name = argument.constantString, !name.isEmpty else {
            throw Diagnostic(at: argument.location, "\(function): the table name must be a constant string such as \"location\"")
        }
        tableNamesLock.withLock { if !tableNames.contains(name) { tableNames.append(name) } }
        return name
    }

    func table(_ name: String, _ context: ScriptContext) -> LocationTable? {
        guard let location else {
            context.worker.logger.error("registrar: usrloc is not configured")
            return nil
        }
        if let table = location.existingTable(named: name) { return table }
        do throws(LocationStoreError) {
            return try location.table(named: name)
        } catch {
            context.worker.logger.error("registrar: \(error.message)")
            return nil
        }
    }

    private var useDomain: Bool { location?.settings.useDomain ?? false }

    // MARK: save

    private var saveFunction: FunctionDeclaration {
        // unowned(unsafe): the module lives as long as the scripts that call it (a reload keeps
        // the modules), and a checked unowned reference was promoted through its side table
        // (swift_unownedRetainStrong) on every REGISTER.
        FunctionDeclaration(name: "save", argumentCounts: 1...3, routeTypes: [.request, .failure, .onReply]) {
            [unowned(unsafe) self] arguments, _ throws(Diagnostic) in
            let table = TableSlot(try tableName(arguments[0], function: "save"))
            let flagsArgument = arguments.count > 1 ? arguments[1] : nil
            let uriArgument = arguments.count > 2 ? arguments[2] : nil
            // Constant flags and no URI (the usual `save("location")`) are settled here, once.
            if arguments.count <= 2, let constant = arguments.count < 2 ? 0 : flagsArgument?.constantInt {
                let flags = SaveFlags(rawValue: constant)
                return { context in self.save(context, table: table, flags: flags, uri: nil) }
            }
            return { context in
                let flags = SaveFlags(rawValue: flagsArgument.flatMap { Self.flagValue($0, context) } ?? 0)
                let uri = uriArgument?.evaluateString(context).flatMap { $0.isEmpty ? nil : $0 }
                return self.save(context, table: table, flags: flags, uri: uri)
            }
        }
    }

    /// Flags are written as numbers or as strings holding one ("0x02" too).
    private static func flagValue(_ argument: ScriptArgument, _ context: ScriptContext) -> Int? {
        if let value = argument.constantInt { return value }
        guard let text = argument.evaluateString(context) else { return nil }
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }

    func save(_ context: ScriptContext, table slot: TableSlot, flags: SaveFlags, uri: String?) -> Int {
        guard let services, let location, let table = slot.resolve(self, context) else { return -1 }
        let now = location.now
        var update: BindingUpdate
        do throws(RegistrarError) {
            update = BindingUpdate(
                request: try RegisterRequest.parse(context.message, aorURI: uri, rules: rules), rules: rules, now: now,
                flags: flags, receivedFromAVP: receivedAVP.flatMap { receivedAVPValue(context, $0) },
                socket: socketText(context.receive), branchFlags: Int(context.requestBranchFlags), ruids: location)
        } catch {
            return refuse(context, error, contactHeader: [], flags: flags, services: services)
        }
        let aor = update.request.aor
        let receivedParam = self.receivedParam
        var contactHeader: [UInt8] = []
        let outcome: BindingOutcome
        do throws(LocationStoreError) {
            outcome = try table.modify(aor) { record -> BindingOutcome in
                let outcome = update.apply(to: &record)
                contactHeader = RegistrarReply.contactHeader(record.contacts, now: now, receivedParam: receivedParam)
                return outcome
            }
        } catch {
            context.worker.logger.error("save: \(error.message)")
            // The bindings listed were never stored: the reply lists none.
            return refuse(context, .insertContactFailed, contactHeader: [], flags: flags, services: services)
        }
        let code: Int
        switch outcome {
        case .saved(let value): code = value
        case .failed(let error): return refuse(context, error, contactHeader: contactHeader, flags: flags, services: services)
        }
        statistics?.accepted.increment()
        if !flags.contains(.noReply) {
            if !context.routeType.intersection([.request, .failure]).isEmpty {
                let error = RegistrarReply.prepare(
                    context, error: .fine, contactHeader: contactHeader, path: update.request.path,
                    supportsPath: update.request.supportsPath, rules: rules)
                guard RegistrarReply.send(context, error, services: services) else { return -1 }
            }
        } else if flags.contains(.prepareReply) {
            context[PreparedRegistrarReply.key] = RegistrarReply.prepare(
                context, error: .fine, contactHeader: contactHeader, path: update.request.path,
                supportsPath: update.request.supportsPath, rules: rules)
        }
        return code
    }

    /// A REGISTER save() refuses: counted, and answered unless the flags or the route say not.
    private func refuse(
        _ context: ScriptContext, _ failure: RegistrarError, contactHeader: [UInt8], flags: SaveFlags,
        services: RuntimeServices
    ) -> Int {
        statistics?.rejected.increment()
        if context.routeType.contains(.request) && !flags.contains(.noReply) {
            let error = RegistrarReply.prepare(
                context, error: failure, contactHeader: contactHeader, path: "", supportsPath: false, rules: rules)
            _ = RegistrarReply.send(context, error, services: services)
        }
        return failure == .tooMany ? -2 : -1
    }

    private func socketText(_ receive: ReceiveInfo) -> String {
        // Port first: the cheapest test that tells this server's sockets apart.
        for i in socketTexts.indices
        where socketTexts[i].address.port == receive.local.port && socketTexts[i].proto == receive.proto
            && socketTexts[i].address == receive.local {
            return socketTexts[i].text
        }
        return receive.proto.lowercaseName + ":" + receive.local.description
    }

    private func receivedAVPValue(_ context: ScriptContext, _ name: String) -> String? {
        let value = context.avps.first(.string(name))
        guard case .string(let text) = value, !text.isEmpty else { return nil }
        return text
    }

    private var sendReplyFunction: FunctionDeclaration {
        FunctionDeclaration(name: "reg_send_reply", argumentCounts: 0...0, routeTypes: [.request, .failure]) {
            [unowned self] _, _ throws(Diagnostic) in
            { context in
                guard let services = self.services, let prepared = context[PreparedRegistrarReply.key] else { return -1 }
                context[PreparedRegistrarReply.key] = nil
                return RegistrarReply.send(context, prepared, services: services) ? 1 : -1
            }
        }
    }

    // MARK: lookup

    private func lookupFunction(named function: String, mode: LocationLookup.Mode) -> FunctionDeclaration {
        FunctionDeclaration(name: function, argumentCounts: 1...2, routeTypes: [.request, .failure]) {
            [unowned self] arguments, _ throws(Diagnostic) in
            let table = TableSlot(try tableName(arguments[0], function: function))
            let uriArgument = arguments.count > 1 ? arguments[1] : nil
            return { context in
                guard let location = self.location, let store = table.resolve(self, context) else { return -3 }
                let uri = uriArgument?.evaluateString(context).flatMap { $0.isEmpty ? nil : $0 }
                return LocationLookup(settings: self.settings, now: location.now, localSockets: self.localSockets)
                    .run(context, table: store, uri: uri, useDomain: location.settings.useDomain, mode: mode)
            }
        }
    }

    /// lookup_branches(): the R-URI and every plain branch looked up in turn.
    private var lookupBranchesFunction: FunctionDeclaration {
        FunctionDeclaration(name: "lookup_branches", argumentCounts: 1...1, routeTypes: [.request, .failure]) {
            [unowned self] arguments, _ throws(Diagnostic) in
            let table = try tableName(arguments[0], function: "lookup_branches")
            return { context in
                guard let location = self.location, let store = self.table(table, context) else { return -3 }
                let lookup = LocationLookup(settings: self.settings, now: location.now, localSockets: self.localSockets)
                let original = context.branches
                context.branches = []
                var result = lookup.run(context, table: store, uri: nil, useDomain: location.settings.useDomain)
                for branch in original {
                    guard branch.destinationURI == nil,
                          let aor = LocationAOR.make(branch.uri, useDomain: location.settings.useDomain, caseSensitive: self.settings.caseSensitive),
                          (try? store.read(aor) { $0 != nil }) == true
                    else {
                        context.branches.append(branch)
                        continue
                    }
                    let code = lookup.run(context, table: store, uri: branch.uri, useDomain: location.settings.useDomain, mode: .branchesOnly)
                    if code > 0 { result = 1 }
                }
                return result
            }
        }
    }

    private var registeredFunction: FunctionDeclaration {
        FunctionDeclaration(name: "registered", argumentCounts: 1...4, routeTypes: .any) {
            [unowned self] arguments, _ throws(Diagnostic) in
            let table = try tableName(arguments[0], function: "registered")
            let uriArgument = arguments.count > 1 ? arguments[1] : nil
            return { context in
                guard let location = self.location, let store = self.table(table, context) else { return -1 }
                guard let uri = uriArgument?.evaluateString(context).flatMap({ $0.isEmpty ? nil : $0 }) ?? LocationLookup.requestURI(context),
                      let aor = LocationAOR.make(uri, useDomain: location.settings.useDomain, caseSensitive: self.settings.caseSensitive)
                else { return -1 }
                let now = location.now
                let found = (try? store.read(aor) { record in record?.contacts.contains { $0.isValid(at: now) } ?? false }) ?? false
                return found ? 1 : -1
            }
        }
    }

    /// unregister(table, uri[, ruid]): 1 done, -1 bad AOR, -2 error, -3 not found.
    private var unregisterFunction: FunctionDeclaration {
        FunctionDeclaration(name: "unregister", argumentCounts: 2...3, routeTypes: .any) {
            [unowned self] arguments, _ throws(Diagnostic) in
            let table = try tableName(arguments[0], function: "unregister")
            let uriArgument = arguments[1]
            let ruidArgument = arguments.count > 2 ? arguments[2] : nil
            return { context in
                guard let location = self.location, let store = self.table(table, context) else { return -2 }
                let uri = uriArgument.evaluateString(context) ?? ""
                let ruid = ruidArgument?.evaluateString(context) ?? ""
                var aor: String?
                if !uri.isEmpty {
                    aor = LocationAOR.make(uri, useDomain: location.settings.useDomain, caseSensitive: self.settings.caseSensitive)
                    if aor == nil { return -1 }
                } else if ruid.isEmpty {
                    return -1
                }
                do throws(LocationStoreError) {
                    if ruid.isEmpty, let aor {
                        try store.modify(aor) { $0.removeAll() }
                        return 1
                    }
                    var key = aor
                    if key == nil { key = try store.aor(holdingRUID: ruid) }
                    guard let key else { return -3 }
                    let removed = try store.modify(key) { record -> Bool in
                        guard let index = record.index(ofRUID: ruid) else { return false }
                        record.remove(at: index)
                        return true
                    }
                    return removed ? 1 : -3
                } catch {
                    context.worker.logger.error("unregister: \(error.message)")
                    return -2
                }
            }
        }
    }

    private var fetchFunction: FunctionDeclaration {
        FunctionDeclaration(name: "reg_fetch_contacts", argumentCounts: 3...3, routeTypes: .any) {
            [unowned self] arguments, _ throws(Diagnostic) in
            let table = try tableName(arguments[0], function: "reg_fetch_contacts")
            let uriArgument = arguments[1]
            guard let profile = arguments[2].constantString, !profile.isEmpty else {
                throw Diagnostic(at: arguments[2].location, "reg_fetch_contacts: the profile name must be a constant string")
            }
            return { context in
                guard let location = self.location, let store = self.table(table, context) else { return -1 }
                guard let uri = uriArgument.evaluateString(context),
                      let aor = LocationAOR.make(uri, useDomain: location.settings.useDomain, caseSensitive: self.settings.caseSensitive)
                else { return -1 }
                let now = location.now
                let contacts = (try? store.read(aor) { $0?.validContacts(at: now) ?? [] }) ?? []
                let fetched = FetchedContacts.of(context)
                fetched.profiles[profile] = FetchedContacts.Profile(table: table, aor: aor, contacts: contacts, now: now)
                return contacts.isEmpty ? -1 : 1
            }
        }
    }

    private var freeFunction: FunctionDeclaration {
        FunctionDeclaration(name: "reg_free_contacts", argumentCounts: 1...1, routeTypes: .any) { arguments, _ throws(Diagnostic) in
            guard let profile = arguments[0].constantString, !profile.isEmpty else {
                throw Diagnostic(at: arguments[0].location, "reg_free_contacts: the profile name must be a constant string")
            }
            return { context in
                context[FetchedContacts.key]?.profiles[profile] = nil
                return 1
            }
        }
    }

    /// add_sock_hdr("Name"): the receiving socket as a header for the next hop's registrar.
    private var addSocketHeaderFunction: FunctionDeclaration {
        FunctionDeclaration(name: "add_sock_hdr", argumentCounts: 1...1, routeTypes: [.request]) { arguments, _ throws(Diagnostic) in
            guard let header = arguments[0].constantString, !header.isEmpty else {
                throw Diagnostic(at: arguments[0].location, "add_sock_hdr: the header name must be a constant string")
            }
            return { context in
                let line = header + ": " + context.receive.proto.lowercaseName + ":" + context.receive.local.description + "\r\n"
                context.edits.insert(Array(line.utf8), at: context.message.emptyLineOffset)
                return 1
            }
        }
    }
}
