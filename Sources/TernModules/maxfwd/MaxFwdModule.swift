import TernRuntime
import TernScript

/// maxfwd — Max-Forwards processing for a proxy (RFC 3261 §16.3 step 2, §16.6 step 3).
/// mf_process_maxfwd_header(n) (also maxfwd_process, process_maxfwd): no header → adds
/// `Max-Forwards: n` and returns 2; value 0 → -1 (the script answers 483 Too Many Hops);
/// otherwise decrements it (first capping it at `max_limit`) and returns 1; an unreadable
/// value → -2. is_maxfwd_lt(n) (also maxfwd_at_least, mf_lowlimit): 1 when the value is below
/// n, -1 when not, -2 without header, -3 when unreadable. Return values as Kamailio 5.6.3's.
final class MaxFwdModule: TernModule, @unchecked Sendable {
    let name = "maxfwd"
    /// Highest value let through; larger ones are lowered to it (cfg range 0–255).
    private var maxLimit = 70

    var declaration: ModuleDeclaration {
        var functions: [FunctionDeclaration] = []
        for function in ["mf_process_maxfwd_header", "maxfwd_process", "process_maxfwd"] {
            functions.append(FunctionDeclaration(name: function, argumentCounts: 1...1, routeTypes: .request) {
                [unowned self] args, at throws(Diagnostic) in
                let limit = try IntegerArgument(args[0], function: function, what: "limit", range: 0...255)
                return { ctx in self.process(ctx, limit: limit.value(ctx), function: function, at: at) }
            })
        }
        for function in ["is_maxfwd_lt", "maxfwd_at_least", "mf_lowlimit"] {
            functions.append(FunctionDeclaration(name: function, argumentCounts: 1...1, routeTypes: [.request, .failure, .branch]) {
                args, at throws(Diagnostic) in
                let limit = try IntegerArgument(args[0], function: function, what: "limit", range: 0...255)
                return { ctx in MaxFwdModule.isBelow(ctx, limit: limit.value(ctx), function: function, at: at) }
            })
        }
        return ModuleDeclaration(name: name, parameters: [ParameterDeclaration(name: "max_limit", type: .int)], functions: functions)
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        for p in parameters {
            if p.parameter == "max_limit", case .int(let value) = p.value {
                guard (0...255).contains(value) else {
                    throw ConfigurationError("maxfwd max_limit \(value) is outside 0–255", at: p.location)
                }
                maxLimit = value
            }
        }
    }

    private func process(_ ctx: ScriptContext, limit: Int?, function: String, at: SourceLocation) -> Int {
        guard let limit, (0...255).contains(limit) else {
            ctx.logFunctionError(function, "invalid limit (0 to 255)", at: at)
            return -1
        }
        switch MaxForwardsHeader.read(ctx) {
        case .absent:
            MaxForwardsHeader.insert(ctx, limit)
            return 2
        case .malformed:
            ctx.logFunctionError(function, "unable to parse the Max-Forwards number", at: at)
            return -2
        case .value(0):
            return -1
        case .value(let value):
            let capped = value > maxLimit ? maxLimit + 1 : value
            if !MaxForwardsHeader.write(ctx, capped - 1) {
                ctx.logFunctionWarning(function, "Max-Forwards was already rewritten for this message; the header keeps that value", at: at)
            }
            return 1
        }
    }

    private static func isBelow(_ ctx: ScriptContext, limit: Int?, function: String, at: SourceLocation) -> Int {
        guard let limit, (0...255).contains(limit) else {
            ctx.logFunctionError(function, "invalid limit (0 to 255)", at: at)
            return -1
        }
        switch MaxForwardsHeader.read(ctx) {
        case .absent:
            return -2
        case .malformed:
            ctx.logFunctionError(function, "unable to parse the Max-Forwards number", at: at)
            return -3
        case .value(let value):
            return value >= limit ? -1 : 1
        }
    }
}
