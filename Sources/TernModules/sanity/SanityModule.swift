// sanity — Kamailio's request sanity checks: sanity_check([checks[, uri_checks]]) runs the
// checks selected by a bit mask (default 3047) and answers a failing request itself (400,
// 416, 420, 505 …) through the stateless reply path, unless `noreply` is set, in which case
// sanity_reply() sends the prepared reply later.
import SIPCore
import TernRuntime
import TernScript

final class SanityModule: TernModule, @unchecked Sendable {
    let name = "sanity"
    private(set) var services: RuntimeServices?
    private(set) var settings = SanitySettings()

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: [
                ParameterDeclaration(name: "default_checks", type: .int),
                ParameterDeclaration(name: "uri_checks", type: .int),
                ParameterDeclaration(name: "proxy_require", type: .string),
                ParameterDeclaration(name: "autodrop", type: .int),
                ParameterDeclaration(name: "noreply", type: .int),
            ],
            functions: [
                FunctionDeclaration(name: "sanity_check", argumentCounts: 0...2, routeTypes: [.request, .onReply, .coreReply]) {
                    [unowned self] args, _ throws(Diagnostic) in
                    let checks = try args.map { a throws(Diagnostic) in try SanityMask(a) }
                    return { ctx in self.sanityCheck(ctx, checks) }
                },
                FunctionDeclaration(name: "sanity_reply", argumentCounts: 0...0, routeTypes: [.request, .onReply, .coreReply]) {
                    [unowned self] _, _ throws(Diagnostic) in
                    { ctx in self.sanityReply(ctx) }
                },
            ])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        for parameter in parameters {
            switch (parameter.parameter, parameter.value) {
            case ("default_checks", .int(let v)): settings.defaultChecks = v
            case ("uri_checks", .int(let v)): settings.defaultURIChecks = v
            case ("autodrop", .int(let v)): settings.autodrop = v != 0
            case ("noreply", .int(let v)): settings.noReply = v != 0
            case ("proxy_require", .string(let v)):
                settings.proxyRequire = v.split(separator: ",").map { Array($0.trimmingCharacters(in: " \t\r\n").utf8) }
                    .filter { !$0.isEmpty }
            default: break
            }
        }
    }

    func sanityCheck(_ ctx: ScriptContext, _ masks: [SanityMask]) -> Int {
        let checks = masks.first.map { $0.resolve(ctx) } ?? settings.defaultChecks
        let uriChecks = masks.count > 1 ? masks[1].resolve(ctx) : settings.defaultURIChecks
        guard let checks, (1 ..< SanityCheck.limit).contains(checks) else {
            ctx.worker.logger.error("sanity_check: the checks must be a number from 1 to \(SanityCheck.limit - 1)")
            return -1
        }
        guard let uriChecks, (1 ..< SanityURICheck.limit).contains(uriChecks) else {
            ctx.worker.logger.error("sanity_check: the URI checks must be a number from 1 to \(SanityURICheck.limit - 1)")
            return -1
        }
        ctx[SanityOutcome.key] = nil
        let passed = SanityChecker(ctx, proxyRequire: settings.proxyRequire).run(checks: checks, uriChecks: uriChecks)
        if passed { return 1 }
        if let failure = ctx[SanityOutcome.key], !settings.noReply { send(ctx, failure) }
        // With autodrop the failure value 0 ends the script.
        return settings.autodrop ? 0 : -1
    }

    /// In `noreply` mode, sends the reply a failed sanity_check prepared (500 when there is none).
    func sanityReply(_ ctx: ScriptContext) -> Int {
        guard ctx.message.kind == .request, !ctx.message.methodIs(.ack), settings.noReply else { return 1 }
        let outcome = ctx[SanityOutcome.key] ?? SanityOutcome(code: 500, reason: "Server Sanity Failure")
        if outcome.silent { return 1 }
        return send(ctx, outcome) ? 1 : -1
    }

    @discardableResult
    private func send(_ ctx: ScriptContext, _ outcome: SanityOutcome) -> Bool {
        guard !outcome.silent, let services else { return false }
        return StatelessReply.send(ctx, code: outcome.code, reason: outcome.reason, services: services)
    }
}

struct SanitySettings: Sendable {
    /// RURI version, RURI scheme, required headers, CSeq method and value, Content-Length,
    /// Expires, Proxy-Require, digest credentials.
    var defaultChecks = 3047
    /// R-URI, From, To.
    var defaultURIChecks = 7
    var proxyRequire: [[UInt8]] = []
    var autodrop = true
    var noReply = false
}

/// A check mask argument: a constant checked at load time, or a pseudo-variable read per message.
struct SanityMask {
    private let constant: Int?
    private let argument: ScriptArgument

    init(_ argument: ScriptArgument) throws(Diagnostic) {
        self.argument = argument
        if argument.isConstant {
            guard let value = argument.constantInt else {
                throw .error("sanity_check: '\(argument.constantString ?? "")' is not a number", at: argument.location)
            }
            constant = value
        } else {
            constant = nil
        }
    }

    func resolve(_ ctx: ScriptContext) -> Int? {
        constant ?? argument.evaluateInt(ctx)
    }
}
