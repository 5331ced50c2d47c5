// is_direction(), check_route_param(), $rdir: what the Route URI that matched us says about
// the request. The `ftag` parameter record_route() wrote holds the From tag of the request
// that made the dialog; a request whose From tag differs travels upstream (callee to caller).
import SIPCore
import TernRuntime
import TernScript

extension RRModule {
    /// The parameters of our Route URI for this message: those loose_route() found, else
    /// those of the top Route if it names us. Nil when there are none.
    func routedParams(_ ctx: ScriptContext) -> String? {
        if case .some(.some(let params)) = ctx.rrState.routedParams, !params.isEmpty { return params }
        guard let routes = try? RouteSet.parse(ctx.message), isMyself(routes.message.bytes, routes.entries[0].uri) else {
            return nil
        }
        let params = routes.paramsText(0)
        return params.isEmpty ? nil : params
    }

    func isUpstream(_ ctx: ScriptContext) -> Bool {
        if let known = ctx.rrState.upstream { return known }
        var upstream = false
        if let params = routedParams(ctx), let ftag = RouteParams.value(of: "ftag", in: params), !ftag.isEmpty,
           let from = try? ctx.message.from(), let tag = from.tag, !tag.isEmpty {
            upstream = ctx.message.string(tag) != ftag
        }
        ctx.rrState.upstream = upstream
        return upstream
    }

    func checkRouteParam(_ ctx: ScriptContext, _ regex: POSIXRegex) -> Int {
        guard let params = routedParams(ctx) else { return -1 }
        return regex.matches(";" + params) ? 1 : -1
    }

    /// $route_uri: the first Route URI as written; null without Route.
    static func firstRouteURI(_ ctx: ScriptContext) -> ScriptValue {
        guard ctx.message.kind == .request, let routes = try? RouteSet.parse(ctx.message) else { return .null }
        return .string(routes.uriText(0))
    }
}
