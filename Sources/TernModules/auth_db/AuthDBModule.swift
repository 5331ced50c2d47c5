import SIPCore
import TernRuntime
import TernScript
import TernStorage

/// auth_db — digest authentication against the subscriber table (Kamailio's auth_db), using
/// auth's nonces. `db_url` picks the database (SQLite file by default, created with Kamailio's
/// tables when missing). Return codes: 1 ok, -1 error (database failure included), -2 wrong
/// password, -3 unknown user, -4 stale nonce, -5 no credentials, -6 nonce reused, -8 user mismatch.
final class AuthDBModule: TernModule, @unchecked Sendable {
    let name = "auth_db"
    private var services: RuntimeServices?
    private var pool: DatabasePool?
    private var credentials = SubscriberCredentials()
    private var authenticator: DigestAuthenticator?

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: ["db_url", "user_column", "domain_column", "password_column", "password_column_2", "load_credentials"]
                .map { ParameterDeclaration(name: $0, type: .string) }
                + ["calculate_ha1", "use_domain", "version_table", "force_generate_avps"].map { ParameterDeclaration(name: $0, type: .int) },
            functions: [
                authorizeFunction("www_authorize", .www, arguments: 2...2),
                authorizeFunction("www_authenticate", .www, arguments: 2...3),
                authorizeFunction("proxy_authorize", .proxy, arguments: 2...2),
                authorizeFunction("proxy_authenticate", .proxy, arguments: 2...3),
                authorizeFunction("auth_check", nil, arguments: 3...3),
                FunctionDeclaration(name: "is_subscriber", argumentCounts: 3...3, routeTypes: .any,
                                    argumentKinds: [.format, .format, .integer]) {
                    [unowned self] args, at throws(Diagnostic) in
                    let uri = args[0], table = args[1]
                    return { ctx in self.isSubscriber(ctx, uri: uri.evaluateString(ctx) ?? "", table: table.evaluateString(ctx) ?? "subscriber", at: at) }
                },
            ],
            pseudoVariables: []
        )
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        var url = DefaultDatabase.url
        var baseDirectory: String?
        for p in parameters {
            switch (p.parameter, p.value) {
            case ("db_url", .string(let s)):
                url = s
                baseDirectory = DefaultDatabase.directory(ofConfigFile: p.location.file)
            case ("user_column", .string(let s)): credentials.userColumn = s
            case ("domain_column", .string(let s)): credentials.domainColumn = s
            case ("password_column", .string(let s)): credentials.passwordColumn = s
            case ("password_column_2", .string(let s)): credentials.passwordColumn2 = s
            case ("calculate_ha1", .int(let v)): credentials.calculateHA1 = v != 0
            case ("use_domain", .int(let v)): credentials.useDomain = v != 0
            default: break   // load_credentials, version_table, force_generate_avps: accepted
            }
        }
        if let pool = try ModuleDatabase.open(url, baseDirectory: baseDirectory, tables: KamailioSchema.tables,
                                              module: "auth_db", services: services) {
            // On reload the old pool's connections close as they come back.
            self.pool?.close()
            self.pool = pool
        }
        authenticator = DigestAuthDirectory.authenticator(for: services)
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        if authenticator == nil { authenticator = DigestAuthDirectory.authenticator(for: services) }
        guard authenticator != nil else {
            throw ConfigurationError("auth_db needs the auth module: add loadmodule \"auth.so\"")
        }
    }

    func stop() {
        pool?.close()
    }

    private func currentAuthenticator() -> DigestAuthenticator? {
        if let authenticator { return authenticator }
        guard let services else { return nil }
        authenticator = DigestAuthDirectory.authenticator(for: services)
        return authenticator
    }

    private func authorizeFunction(_ function: String, _ fixed: DigestAuthenticator.HeaderKind?, arguments: ClosedRange<Int>) -> FunctionDeclaration {
        FunctionDeclaration(name: function, argumentCounts: arguments, routeTypes: .request,
                            argumentKinds: [.format, .format, fixed == nil ? .integer : .format]) {
            [unowned self] args, at throws(Diagnostic) in
            let realm = args[0], table = args[1]
            let flags = try fixed == nil ? FlagsArgument(args[2]) : nil
            let method = fixed != nil && args.count > 2 ? args[2] : nil
            return { ctx in
                guard let authenticator = self.currentAuthenticator(), let pool = self.pool else {
                    ctx.logFunctionError(function, "auth module not loaded", at: at)
                    return AuthResult.error.rawValue
                }
                let kind = fixed ?? (ctx.message.methodIs(.register) ? .www : .proxy)
                let r = DigestChallengeReply.realm(realm.evaluateString(ctx), ctx)
                let tableName = table.evaluateString(ctx) ?? "subscriber"
                let result = authenticator.authenticate(
                    ctx, realm: r, kind: kind, method: method?.evaluateString(ctx),
                    badRequest: { _ in DigestChallengeReply.sendBadCredentials(ctx, services: self.services) }
                ) { identity in
                    switch self.credentials.lookup(identity, table: tableName, pool: pool) {
                    case .found(let secret): return .found(secret)
                    case .unknownUser: return .unknownUser
                    case .failed(let error):
                        ctx.logFunctionError(function, "database lookup failed: \(error.message)", at: at)
                        return .failed
                    }
                }
                if result == .authenticated, let flags, flags.value(ctx) & 1 != 0, !AuthUserCheck.matches(ctx, kind: kind) {
                    return AuthResult.userMismatch.rawValue
                }
                return result.rawValue
            }
        }
    }

    private func isSubscriber(_ ctx: ScriptContext, uri: String, table: String, at: SourceLocation) -> Int {
        guard let pool else { return -1 }
        let (user, domain) = SIPURIText.userAndHost(uri)
        guard let user, !user.isEmpty else { return -1 }
        let q = pool.dialect.quote
        var sql = "SELECT \(q(credentials.userColumn)) FROM \(q(table)) WHERE \(q(credentials.userColumn)) = ?"
        var parameters: [DatabaseValue] = [.text(user)]
        if credentials.useDomain {
            sql += " AND \(q(credentials.domainColumn)) = ?"
            parameters.append(.text(domain ?? ""))
        }
        do {
            return try pool.query(sql, parameters).isEmpty ? -1 : 1
        } catch {
            ctx.logFunctionError("is_subscriber", "database lookup failed: \(error.message)", at: at)
            return -1
        }
    }
}

/// The user and host of a `sip:user@host` text, enough for is_subscriber.
enum SIPURIText {
    static func userAndHost(_ uri: String) -> (String?, String?) {
        var rest = Substring(uri)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy({ $0.isLetter }) {
            rest = rest[rest.index(after: colon)...]
        }
        guard let at = rest.firstIndex(of: "@") else { return (nil, String(rest)) }
        let user = rest[..<at].split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let host = rest[rest.index(after: at)...].split(whereSeparator: { $0 == ";" || $0 == ":" || $0 == ">" }).first.map(String.init)
        return (user, host)
    }
}
