import Atomics
import SIPCore
import TernRuntime
import TernScript

/// auth — digest authentication (RFC 2617, RFC 7616, RFC 8760 SHA-256) with passwords the
/// script supplies (pv_www_authenticate …), the challenges (www_challenge …) and the nonces
/// auth_db uses too. Nonces are stateless (an HMAC over their times with `secret`), refused once
/// expired (stale=true), and with qop their nonce-counts are tracked so a replayed Authorization
/// is refused. Return codes as Kamailio's: 1 ok, -1 error, -2 wrong password, -4 stale nonce,
/// -5 no credentials, -6 nonce reused, -8 user mismatch.
final class AuthModule: TernModule, @unchecked Sendable {
    let name = "auth"
    private var services: RuntimeServices?
    /// Replaced by `configure`; this placeholder keeps an unloaded module cheap.
    private(set) var authenticator = DigestAuthenticator(settings: .init(secret: AuthModule.randomSecret(), ncArraySize: 64))
    /// Where pv_*_authenticate flags 2/4/8 leave a challenge header (`challenge_attr`).
    private var challengeAttribute = AVPList.Name.string("digest_challenge")
    /// tm's transaction service, looked up once in start() (tm registers while being
    /// configured, and every module is configured before any starts) instead of under
    /// TransactionAPI's global lock for each challenge. nil when tm is not loaded.
    private var transactions: (any TransactionService)?
    private var transactionsResolved = false
    /// The time nonces are made and checked against; tests set it.
    let clock = AuthClock()

    var declaration: ModuleDeclaration {
        let intParameters = ["nonce_expire", "nonce_auth_max_drift", "protect_contacts", "auth_checks_register",
                             "auth_checks_no_dlg", "auth_checks_in_dlg", "nonce_count", "one_time_nonce",
                             "nc_array_size", "nc_array_order", "otn_in_flight_no", "otn_in_flight_order",
                             "nid_pool_no", "force_stateless_reply", "use_domain", "add_authinfo_hdr"]
        let stringParameters = ["secret", "challenge_attr", "proxy_challenge_header", "www_challenge_header",
                                "qop", "realm_prefix", "algorithm"]
        return ModuleDeclaration(
            name: name,
            parameters: intParameters.map { ParameterDeclaration(name: $0, type: .int) }
                + stringParameters.map { ParameterDeclaration(name: $0, type: .string) },
            functions: [
                challengeFunction("www_challenge", .www),
                challengeFunction("proxy_challenge", .proxy),
                challengeFunction("auth_challenge", nil),
                FunctionDeclaration(name: "consume_credentials", argumentCounts: 0...0, routeTypes: .request) {
                    _, _ throws(Diagnostic) in { ctx in AuthModule.consumeCredentials(ctx) }
                },
                FunctionDeclaration(name: "has_credentials", argumentCounts: 1...1, routeTypes: .request) {
                    args, _ throws(Diagnostic) in
                    let realm = args[0]
                    return { ctx in AuthModule.hasCredentials(ctx, realm: realm.evaluateString(ctx) ?? "") }
                },
                authenticateFunction("pv_www_authenticate", .www, arguments: 3...4),
                authenticateFunction("pv_proxy_authenticate", .proxy, arguments: 3...3),
                authenticateFunction("pv_auth_check", nil, arguments: 4...4),
                FunctionDeclaration(name: "auth_get_www_authenticate", argumentCounts: 3...3, routeTypes: .any,
                                    argumentKinds: [.format, .integer, .pseudoVariable]) {
                    [unowned self] args, at throws(Diagnostic) in
                    let realm = args[0]
                    let flags = try FlagsArgument(args[1])
                    let destination = try args[2].pseudoVariable()
                    return { ctx in
                        let r = DigestChallengeReply.realm(realm.evaluateString(ctx), ctx)
                        let f = flags.value(ctx)
                        let line = self.authenticator.challengeLine(
                            .www, realm: r, qop: self.challengeQOP(f), stale: self.challengeIsStale(ctx, flags: f))
                        destination.set(ctx, .string(String(decoding: line, as: UTF8.self)))
                        return 1
                    }
                },
            ],
            pseudoVariables: []
        )
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        transactions = nil
        transactionsResolved = false
        var settings = DigestAuthenticator.Settings(secret: Self.randomSecret())
        for p in parameters {
            switch (p.parameter, p.value) {
            case ("secret", .string(let s)):
                guard !s.isEmpty else { throw ConfigurationError("auth secret must not be empty", at: p.location) }
                settings.secret = Array(s.utf8)
            case ("nonce_expire", .int(let v)):
                guard v > 0 else { throw ConfigurationError("auth nonce_expire must be a positive number of seconds", at: p.location) }
                settings.nonceExpire = Int64(v)
            case ("nonce_auth_max_drift", .int(let v)): settings.maxDrift = Int64(max(0, v))
            case ("nonce_count", .int(let v)): settings.nonceCount = v != 0
            case ("one_time_nonce", .int(let v)): settings.oneTimeNonce = v != 0
            case ("challenge_attr", .string(let s)):
                guard let name = ChallengeAttribute.avpName(s) else {
                    throw ConfigurationError("auth challenge_attr '\(s)' is not an AVP ($avp(name))", at: p.location)
                }
                challengeAttribute = name
            case ("nc_array_size", .int(let v)): settings.ncArraySize = max(64, v)
            case ("nc_array_order", .int(let v)):
                guard (6...26).contains(v) else { throw ConfigurationError("auth nc_array_order \(v) is outside 6–26", at: p.location) }
                settings.ncArraySize = 1 << v
            case ("qop", .string(let s)):
                switch s.lowercased() {
                case "": settings.qop = nil
                case "auth": settings.qop = .auth
                case "auth-int": settings.qop = .authInt
                default: throw ConfigurationError("auth qop '\(s)' is not \"auth\" or \"auth-int\"", at: p.location)
                }
            case ("algorithm", .string(let s)):
                guard let algorithm = DigestAlgorithm(name: s), !algorithm.isSession else {
                    throw ConfigurationError("auth algorithm '\(s)' is not MD5 or SHA-256", at: p.location)
                }
                settings.algorithm = s.isEmpty ? nil : algorithm
            default: break   // accepted for compatibility; Tern's nonces need no pools or in-flight tables
            }
        }
        let clock = self.clock
        authenticator = DigestAuthenticator(settings: settings) { clock.now() }
        DigestAuthDirectory.register(authenticator, for: services)
    }

    func start(services: RuntimeServices) throws(ConfigurationError) {
        transactions = TransactionAPI.service(for: services)
        transactionsResolved = true
    }

    static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    // MARK: challenges

    private func challengeFunction(_ function: String, _ fixed: DigestAuthenticator.HeaderKind?) -> FunctionDeclaration {
        FunctionDeclaration(name: function, argumentCounts: 2...2, routeTypes: [.request, .failure, .event],
                            argumentKinds: [.format, .integer]) {
            [unowned self] args, at throws(Diagnostic) in
            let realm = args[0]
            let flags = try FlagsArgument(args[1])
            return { ctx in
                let kind = fixed ?? (ctx.message.methodIs(.register) ? .www : .proxy)
                return self.challenge(ctx, kind: kind, realm: realm.evaluateString(ctx), flags: flags.value(ctx), function: function, at: at)
            }
        }
    }

    private func challengeQOP(_ flags: Int) -> DigestQOP? {
        DigestChallengeReply.qop(flags: flags, default: authenticator.settings.qop)
    }

    private func challengeIsStale(_ ctx: ScriptContext, flags: Int) -> Bool {
        flags & 16 != 0 || (ctx[DigestAuthState.key]?.stale ?? false)
    }

    private func challenge(_ ctx: ScriptContext, kind: DigestAuthenticator.HeaderKind, realm: String?, flags: Int,
                           function: String, at: SourceLocation) -> Int {
        guard let services else { return -1 }
        let r = DigestChallengeReply.realm(realm, ctx)
        let line = authenticator.challengeLine(kind, realm: r, qop: challengeQOP(flags), stale: challengeIsStale(ctx, flags: flags))
        let tm = transactionsResolved ? transactions : TransactionAPI.service(for: services)
        guard DigestChallengeReply.send(ctx, kind: kind, headerLine: line, transactions: tm, services: services) else {
            ctx.logFunctionError(function, "cannot send the challenge reply", at: at)
            return -3
        }
        return 1
    }

    // MARK: credentials

    static func consumeCredentials(_ ctx: ScriptContext) -> Int {
        let m = ctx.message
        if m.methodIs(.ack) || m.methodIs(.cancel) { return 1 }
        guard let index = ctx[AuthorizedCredentials.key]?.headerIndex, index < m.headers.count else { return -1 }
        ctx.edits.delete(m.headerLineRange(index))
        return 1
    }

    static func hasCredentials(_ ctx: ScriptContext, realm: String) -> Int {
        for kind in [DigestAuthenticator.HeaderKind.proxy, .www] {
            if case .found = DigestAuthenticator.findCredentials(ctx.message, realm: realm, kind: kind) { return 1 }
        }
        return -1
    }

    private func authenticateFunction(_ function: String, _ fixed: DigestAuthenticator.HeaderKind?, arguments: ClosedRange<Int>) -> FunctionDeclaration {
        FunctionDeclaration(name: function, argumentCounts: arguments, routeTypes: .request,
                            argumentKinds: [.format, .format, .integer, fixed == nil ? .integer : .format]) {
            [unowned self] args, at throws(Diagnostic) in
            let realm = args[0]
            let password = args[1]
            let flags = try FlagsArgument(args[2])
            let checks = try fixed == nil ? FlagsArgument(args[3]) : nil
            let method = fixed != nil && args.count > 3 ? args[3] : nil
            return { ctx in
                let kind = fixed ?? (ctx.message.methodIs(.register) ? .www : .proxy)
                let r = DigestChallengeReply.realm(realm.evaluateString(ctx), ctx)
                let f = flags.value(ctx)
                let secretText = password.evaluateString(ctx) ?? ""
                let result = self.authenticator.authenticate(
                    ctx, realm: r, kind: kind, method: method?.evaluateString(ctx),
                    badRequest: { _ in DigestChallengeReply.sendBadCredentials(ctx, services: self.services) }
                ) { _ in
                    .found(f & 1 != 0 ? .ha1(secretText) : .password(secretText))
                }
                if result == .authenticated, let checks, checks.value(ctx) & 1 != 0, !AuthUserCheck.matches(ctx, kind: kind) {
                    return AuthResult.userMismatch.rawValue
                }
                if result != .authenticated, f & (2 | 4 | 8) != 0 {
                    self.storeChallenge(ctx, kind: kind, realm: r, flags: f)
                }
                return result.rawValue
            }
        }
    }

    /// Flags 2 (no qop), 4 (qop=auth), 8 (qop=auth-int), with 16 for stale=true: the challenge
    /// header line goes to `challenge_attr` for the script to send (append_to_reply, msrp_reply …).
    private func storeChallenge(_ ctx: ScriptContext, kind: DigestAuthenticator.HeaderKind, realm: String, flags: Int) {
        let qop: DigestQOP? = flags & 8 != 0 ? .authInt : (flags & 4 != 0 ? .auth : nil)
        let line = authenticator.challengeLine(kind, realm: realm, qop: qop, stale: challengeIsStale(ctx, flags: flags))
        ctx.avps.add(challengeAttribute, .string(String(decoding: line, as: UTF8.self)))
    }
}

/// `challenge_attr` as written (`$avp(digest_challenge)`, `$avp(s:name)`, `$avp(i:3)`).
enum ChallengeAttribute {
    static func avpName(_ text: String) -> AVPList.Name? {
        guard text.hasPrefix("$avp("), text.hasSuffix(")") else { return nil }
        var inner = Substring(text.dropFirst(5).dropLast())
        guard !inner.isEmpty else { return nil }
        if inner.hasPrefix("i:") { return Int(inner.dropFirst(2)).map { .int($0) } }
        if inner.hasPrefix("s:") { inner = inner.dropFirst(2) }
        return inner.isEmpty ? nil : .string(String(inner))
    }
}

/// Unix seconds from the system clock unless a test sets its own.
final class AuthClock: @unchecked Sendable {
    private let lock = Lock()
    private var source: @Sendable () -> Int64 = DigestAuthenticator.systemClock
    /// Set once a test gives its own source: until then every nonce reads the system clock
    /// without the lock (two reads per call otherwise).
    private let replaced = ManagedAtomic<Bool>(false)

    func now() -> Int64 {
        guard replaced.load(ordering: .acquiring) else { return DigestAuthenticator.systemNow() }
        return lock.withLock { source }()
    }

    func set(_ source: @escaping @Sendable () -> Int64) {
        lock.withLock { self.source = source }
        replaced.store(true, ordering: .releasing)
    }
}

/// A flags argument: constant when written as a number, else evaluated per message.
struct FlagsArgument {
    private let constant: Int?
    private let argument: ScriptArgument

    init(_ argument: ScriptArgument) throws(Diagnostic) {
        self.argument = argument
        if let v = argument.constantInt ?? argument.constantString.flatMap({ Int($0) }) {
            constant = v
        } else if let text = argument.constantString {
            throw Diagnostic(at: argument.location, "flags '\(text)' is not a number")
        } else {
            constant = nil
        }
    }

    func value(_ ctx: ScriptContext) -> Int {
        constant ?? argument.evaluateInt(ctx) ?? 0
    }
}

/// pv_auth_check / auth_check flag 1: the authenticated user must be the To user for REGISTER,
/// the From user otherwise (no one registers or calls as someone else).
enum AuthUserCheck {
    static func matches(_ ctx: ScriptContext, kind: DigestAuthenticator.HeaderKind) -> Bool {
        let m = ctx.message
        guard let credentials = ctx[AuthorizedCredentials.key] else { return false }
        let header = m.methodIs(.register) ? (try? m.to()) : (try? m.from())
        guard let user = header?.uri.user else { return false }
        return m.string(user) == String(credentials.user)
    }
}
