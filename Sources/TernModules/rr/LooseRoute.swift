// loose_route(): RFC 3261 §16.4 (Route headers naming this proxy are removed, the next one
// becomes the destination) and §16.6 step 6 / §16.12 (a strict router next, or a strict
// router before us that put our URI in the Request-URI). Return codes as Kamailio 5.6.3's,
// checked against it: 1 next hop taken from the Route set (or only our Route on an
// in-dialog request), -1 no Route (or an error), -3 a preloaded Route naming only us on an
// initial request (removed).
import SIPCore
import TernRuntime
import TernScript

enum LooseRouteResult {
    static let routed = 1
    static let notRouted = -1
    static let preloadedToUs = -3
}

extension RRModule {
    /// `mode` bit 1 (loose_route_mode(1), the loose_route_mode parameter): never treat the
    /// request as coming from a strict router.
    func looseRoute(_ ctx: ScriptContext, mode: Int = 0, at: SourceLocation) -> Int {
        let message = ctx.message
        guard message.kind == .request else { return LooseRouteResult.notRouted }
        let routes: RouteSet
        do {
            guard let parsed = try RouteSet.parse(message) else { return LooseRouteResult.notRouted }
            routes = parsed
        } catch {
            ctx.logFunctionError("loose_route", "failed to parse a Route header", at: at)
            return LooseRouteResult.notRouted
        }
        guard let requestURI = RequestURIText(ctx), let ruri = requestURI.uri else {
            ctx.logFunctionError("loose_route", "failed to parse the Request-URI", at: at)
            return LooseRouteResult.notRouted
        }
        guard let to = try? message.to() else {
            ctx.logFunctionError("loose_route", "failed to parse the To header", at: at)
            return LooseRouteResult.notRouted
        }
        let preloaded = to.tag == nil || to.tag?.isEmpty == true
        if !preloaded && mode & 1 == 0 && isMyself(requestURI.bytes, ruri) {
            return afterStrictRouter(ctx, routes, requestURI: requestURI, at: at)
        }
        return afterLooseRouter(ctx, routes, preloaded: preloaded, at: at)
    }

    /// The previous hop routed loosely: drop our own Route entries (two with `r2` when we
    /// double record-routed), then send to the next one.
    private func afterLooseRouter(_ ctx: ScriptContext, _ routes: RouteSet, preloaded: Bool, at: SourceLocation) -> Int {
        var state = ctx.rrState
        defer { ctx.rrState = state }
        var next = 0
        if isMyself(routes.message.bytes, routes.entries[0].uri) {
            state.routedParams = .some(routes.paramsText(0))
            let doubled = enableDoubleRR != 0 && routes.hasParam(0, named: "r2")
            if forceSendSocket && !doubled { forceSocket(ctx, routes, 0) }
            next = 1
            if doubled, routes.entries.count > 1 {
                forceSocket(ctx, routes, 1)
                next = 2
            }
            guard next < routes.entries.count else {
                routes.removePrefix(through: next - 1, &ctx.edits)
                return preloaded ? LooseRouteResult.preloadedToUs : LooseRouteResult.routed
            }
            state.nextHopFromRoute = true
        } else {
            state.routedParams = .some(nil)
        }
        if !routes.entries[next].uri.lr {
            routeToStrictRouter(ctx, routes, next)
        } else {
            ctx.destinationURI = routes.targetURI(next)
            if next > 0 { routes.removePrefix(through: next - 1, &ctx.edits) }
        }
        return LooseRouteResult.routed
    }

    /// The next hop is a strict router: it gets the Request-URI, and the Request-URI we had
    /// goes to the end of the Route set (RFC 3261 §16.6 step 6).
    private func routeToStrictRouter(_ ctx: ScriptContext, _ routes: RouteSet, _ index: Int) {
        let message = ctx.message
        let original = message.string(message.requestURIRange)
        ctx.edits.insert("Route: <" + original + ">\r\n", at: message.emptyLineOffset)
        ctx.newRequestURI = routes.targetURI(index)
        routes.removePrefix(through: index, &ctx.edits)
    }

    /// A strict router before us put our URI in the Request-URI: the Route set names the next
    /// hop, and its last entry holds the Request-URI to restore (RFC 3261 §16.4).
    private func afterStrictRouter(_ ctx: ScriptContext, _ routes: RouteSet, requestURI: RequestURIText, at: SourceLocation) -> Int {
        var state = ctx.rrState
        state.routedParams = .some(requestURI.uri?.paramsRange.map { requestURI.string($0) } ?? "")
        defer { ctx.rrState = state }
        var next = 0
        if enableDoubleRR != 0, routes.hasParam(0, named: "r2"), isMyself(routes.message.bytes, routes.entries[0].uri) {
            forceSocket(ctx, routes, 0)
            guard routes.entries.count > 1 else {
                routes.removePrefix(through: 0, &ctx.edits)
                return LooseRouteResult.notRouted
            }
            next = 1
        }
        if !routes.entries[next].uri.lr {
            // Strict on both sides: behave as a strict router ourselves.
            ctx.newRequestURI = routes.targetURI(next)
            routes.removePrefix(through: next, &ctx.edits)
        } else {
            ctx.destinationURI = routes.targetURI(next)
            if next > 0 { routes.removePrefix(through: next - 1, &ctx.edits) }
            ctx.newRequestURI = routes.targetURI(routes.entries.count - 1)
            routes.removeLast(&ctx.edits)
        }
        return LooseRouteResult.routed
    }

    /// Sends the request out of the listening socket a Route entry of ours names (the
    /// second Route of a double record-route, or any with force_send_socket).
    private func forceSocket(_ ctx: ScriptContext, _ routes: RouteSet, _ index: Int) {
        let bytes = routes.message.bytes
        let uri = routes.entries[index].uri
        let host = uri.hostAddressString(in: bytes)
        let proto = uri.transport.flatMap { TransportProtocol(name: String(decoding: bytes[$0], as: UTF8.self)) } ?? .udp
        let port = uri.port ?? (uri.scheme == .sips || proto == .tls ? 5061 : 5060)
        guard let listens = services?.settings.listens else { return }
        if let socket = listens.first(where: { $0.proto == proto && $0.port == port && IPAddressText.same($0.host, host) }) {
            let host = socket.isIPv6 ? "[" + socket.host + "]" : socket.host
            ctx.forcedSendSocket = socket.proto.lowercaseName + ":" + host + ":" + String(socket.port)
        } else if enableSocketMismatchWarning {
            services?.logger.warning("rr: no socket found to match the Route URI \(String(decoding: bytes[uri.whole], as: UTF8.self))")
        }
    }

    /// Whether a URI names this server: the script's `myself` (listen addresses, aliases,
    /// what was bound), with the scheme's default port when none is written.
    func isMyself(_ bytes: [UInt8], _ uri: SIPURI) -> Bool {
        let host = uri.hostString(in: bytes)
        let port = uri.port ?? (uri.scheme == .sips ? 5061 : 5060)
        if let matcher = myselfMatcher ?? services?.script?.myself {
            return matcher.matches(host: host, port: port)
        }
        return false
    }
}
