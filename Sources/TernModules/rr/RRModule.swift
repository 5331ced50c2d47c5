// rr — Record-Route and Route processing for a proxy (RFC 3261 §16.6 step 4, §16.4,
// §16.12), as Kamailio's rr module: record_route(), record_route_preset(),
// record_route_advertised_address(), add_rr_param(), loose_route() with strict-router
// handling, check_route_param(), is_direction(), $route_uri and $rdir.
import SIPCore
import SIPTransport
import TernRuntime
import TernScript

final class RRModule: TernModule, @unchecked Sendable {
    let name = "rr"
    private(set) var services: RuntimeServices?

    // Module parameters, Kamailio 5.6.3's names and defaults.
    private(set) var appendFromtag = true
    /// 0 never, 1 when the request leaves from another socket, 2 always.
    private(set) var enableDoubleRR = 1
    private(set) var enableFullLR = false
    private(set) var addUsername = false
    private(set) var forceSendSocket = false
    private(set) var ignoreSIPS = false
    private(set) var enableSocketMismatchWarning = true
    private(set) var looseRouteMode = 0

    /// Tests run routes without a server; they give the script's `myself` here.
    var myselfMatcher: MyselfMatcher?
    /// The socket a request will leave from (tests replace it; see socketTowardNextHop).
    var outgoingSocket: (ScriptContext) -> ListenAddress? = { _ in nil }

    init() {
        outgoingSocket = { [unowned self] ctx in self.socketTowardNextHop(ctx) }
    }

    var declaration: ModuleDeclaration {
        let recordRouteRoutes: RouteTypes = [.request, .branch, .failure]
        var functions: [FunctionDeclaration] = [
            FunctionDeclaration(name: "loose_route", argumentCounts: 0...0, routeTypes: .request) { [unowned self] _, at throws(Diagnostic) in
                return { ctx in self.looseRoute(ctx, mode: self.looseRouteMode, at: at) }
            },
            FunctionDeclaration(name: "loose_route_preloaded", argumentCounts: 0...0, routeTypes: .request) { [unowned self] _, at throws(Diagnostic) in
                return { ctx in self.looseRoute(ctx, at: at) == LooseRouteResult.preloadedToUs ? 1 : -1 }
            },
            FunctionDeclaration(name: "loose_route_mode", argumentCounts: 1...1, routeTypes: .request, argumentKinds: [.integer]) {
                [unowned self] args, at throws(Diagnostic) in
                // Bit 1: loose routing only. Bit 2 (skip outbound flow tokens) changes nothing:
                // Tern has no outbound module.
                let mode = args[0]
                return { ctx in self.looseRoute(ctx, mode: mode.evaluateInt(ctx) ?? 0, at: at) }
            },
            FunctionDeclaration(name: "record_route", argumentCounts: 0...1, routeTypes: recordRouteRoutes) {
                [unowned self] args, at throws(Diagnostic) in
                let params = try args.first?.formatString()
                return { ctx in self.recordRoute(ctx, params: params?.evaluate(ctx), function: "record_route", at: at) }
            },
            FunctionDeclaration(name: "record_route_preset", argumentCounts: 1...2, routeTypes: recordRouteRoutes) {
                [unowned self] args, at throws(Diagnostic) in
                let formats = try args.map { arg throws(Diagnostic) in try arg.formatString() }
                return { ctx in self.recordRoutePreset(ctx, formats.map { $0.evaluate(ctx) }, at: at) }
            },
            FunctionDeclaration(name: "record_route_advertised_address", argumentCounts: 1...1, routeTypes: recordRouteRoutes) {
                [unowned self] args, at throws(Diagnostic) in
                let address = try args[0].formatString()
                return { ctx in
                    self.recordRoute(ctx, params: nil, advertised: address.evaluate(ctx), function: "record_route_advertised_address", at: at)
                }
            },
            FunctionDeclaration(name: "add_rr_param", argumentCounts: 1...1, routeTypes: recordRouteRoutes) {
                [unowned self] args, at throws(Diagnostic) in
                let param = try args[0].formatString()
                return { ctx in self.addRecordRouteParameter(ctx, param.evaluate(ctx), at: at) }
            },
            FunctionDeclaration(name: "check_route_param", argumentCounts: 1...1, routeTypes: .request, argumentKinds: [.literal]) {
                [unowned self] args, at throws(Diagnostic) in
                guard let pattern = args[0].literalText else { throw .error("check_route_param expects a regular expression", at: at) }
                let regex: POSIXRegex
                do { regex = try POSIXRegex.moduleArgument(pattern) } catch let error as POSIXRegex.RegexError {
                    throw .error("check_route_param: bad regular expression: \(error.message)", at: args[0].location)
                } catch {
                    throw .error("check_route_param: bad regular expression", at: args[0].location)
                }
                return { ctx in self.checkRouteParam(ctx, regex) }
            },
            FunctionDeclaration(name: "is_direction", argumentCounts: 1...1, routeTypes: .request, argumentKinds: [.literal]) {
                [unowned self] args, at throws(Diagnostic) in
                let upstream: Bool
                switch args[0].literalText?.lowercased() {
                case "downstream": upstream = false
                case "upstream": upstream = true
                default: throw .error("unknown direction '\(args[0].literalText ?? "")'", at: args[0].location, hint: "use \"downstream\" or \"upstream\"")
                }
                return { ctx in
                    guard self.appendFromtag else {
                        ctx.logFunctionError("is_direction", "needs the 'append_fromtag' parameter enabled", at: at)
                        return -1
                    }
                    return self.isUpstream(ctx) == upstream ? 1 : -1
                }
            },
            FunctionDeclaration(name: "rr_next_hop_route", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                return { ctx in ctx.rrState.nextHopFromRoute ? 1 : -1 }
            },
            FunctionDeclaration(name: "remove_record_route", argumentCounts: 0...0, routeTypes: [.request, .failure]) { _, at throws(Diagnostic) in
                throw .error("remove_record_route() is not available in Tern yet: added Record-Route lines cannot be taken back", at: at)
            },
        ]
        functions.sort { $0.name < $1.name }
        let pseudoVariables = [
            PseudoVariableDeclaration(name: "route_uri") { ctx in RRModule.firstRouteURI(ctx) },
            PseudoVariableDeclaration(name: "rdir", innerName: .required) { [unowned self] binding throws(Diagnostic) in
                let byName: Bool
                switch binding.inner {
                case "id": byName = false
                case "name": byName = true
                default: throw binding.error("unknown $rdir key '\(binding.inner ?? "")'", hint: "use $rdir(id) or $rdir(name)")
                }
                return PseudoVariableAccessors(get: { ctx in
                    let upstream = self.isUpstream(ctx)
                    if byName { return .string(upstream ? "upstream" : "downstream") }
                    return .int(upstream ? 2 : 1)
                })
            },
        ]
        let parameters = [
            "append_fromtag", "enable_double_rr", "enable_full_lr", "add_username", "enable_socket_mismatch_warning",
            "force_send_socket", "ignore_sips", "sockname_mode", "loose_route_mode",
        ].map { ParameterDeclaration(name: $0, type: .int) } + [ParameterDeclaration(name: "custom_user_avp", type: .string)]
        return ModuleDeclaration(name: name, parameters: parameters, functions: functions, pseudoVariables: pseudoVariables)
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        for p in parameters {
            switch (p.parameter, p.value) {
            case ("append_fromtag", .int(let v)): appendFromtag = v != 0
            case ("enable_double_rr", .int(let v)):
                guard (0...2).contains(v) else { throw ConfigurationError("rr enable_double_rr must be 0, 1 or 2, not \(v)", at: p.location) }
                enableDoubleRR = v
            case ("enable_full_lr", .int(let v)): enableFullLR = v != 0
            case ("add_username", .int(let v)): addUsername = v != 0
            case ("enable_socket_mismatch_warning", .int(let v)): enableSocketMismatchWarning = v != 0
            case ("force_send_socket", .int(let v)): forceSendSocket = v != 0
            case ("ignore_sips", .int(let v)): ignoreSIPS = v != 0
            case ("loose_route_mode", .int(let v)): looseRouteMode = v
            case ("sockname_mode", .int(let v)):
                if v != 0 { services.logger.warning("rr: sockname_mode is accepted but Tern has no socket names yet; Record-Route carries addresses") }
            case ("custom_user_avp", _):
                throw ConfigurationError("rr custom_user_avp is not supported by Tern yet (add_username takes the Request-URI user)", at: p.location)
            default: break
            }
        }
    }
}
