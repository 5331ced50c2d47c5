// record_route(), record_route_preset(), record_route_advertised_address(), add_rr_param():
// the Record-Route lines this proxy adds (RFC 3261 §16.6 step 4), written as Kamailio 5.6.3
// writes them (checked against it):
//   Record-Route: <sip:[user@]HOST[:PORT][;transport=T][;r2=on];lr[;ftag=TAG][params]>
// The port is left out when it is 5060. When the request leaves from another socket than it
// came in on (transport or address), two lines are added — the outgoing socket's first —
// each with `r2=on`, so that in-dialog requests coming from either side find us. Kamailio
// decides that when the request is sent; Tern decides it when record_route() runs, from the
// next hop known then ($du or the R-URI) — edits are bytes, there is no send-time hook yet.
import SIPCore
import SIPTransport
import TernRuntime
import TernScript

extension RRModule {
    func recordRoute(_ ctx: ScriptContext, params: String?, advertised: String? = nil, function: String, at: SourceLocation) -> Int {
        let state = ctx.rrState
        guard !state.recordRouted else {
            ctx.logFunctionError(function, "double attempt to record-route", at: at)
            return -1
        }
        guard ctx.message.kind == .request else { return -1 }
        guard let user = recordRouteUser(ctx, function: function, at: at),
              let tag = fromTagParameter(ctx, function: function, at: at) else { return -1 }
        let scheme = recordRouteScheme(ctx)
        let inbound = inboundSocket(ctx)
        let outbound = outgoingSocket(ctx)
        let doubled: Bool
        switch enableDoubleRR {
        case 0: doubled = false
        case 2: doubled = true
        default: doubled = outbound.map { !Self.sameSocket($0, inbound) } ?? false
        }
        var tail = (enableFullLR ? ";lr=on" : ";lr") + tag
        if let params { tail += params }
        tail += state.pendingParams
        tail += ">\r\n"
        func line(_ socket: ListenAddress) -> String {
            var text = "Record-Route: <" + scheme + user
            if let advertised {
                text += advertised + Self.transportParameter(ctx.receive.proto)
            } else {
                text += Self.hostPort(socket) + Self.transportParameter(socket.proto)
            }
            if doubled { text += ";r2=on" }
            return text + tail
        }
        let offset = ctx.message.firstHeaderOffset
        if doubled { ctx.edits.insert(line(outbound ?? inbound), at: offset) }
        ctx.edits.insert(line(inbound), at: offset)
        // Re-read: working out the tag may have cached the direction in the state.
        var after = ctx.rrState
        after.pendingParams = ""
        if ctx.routeType != .branch { after.recordRouted = true }
        ctx.rrState = after
        return 1
    }

    /// record_route_preset: the address given (host[:port][;params]) instead of a socket's,
    /// then the from-tag and `lr`; a second address adds a second line.
    func recordRoutePreset(_ ctx: ScriptContext, _ addresses: [String], at: SourceLocation) -> Int {
        var state = ctx.rrState
        guard !state.recordRouted else {
            ctx.logFunctionError("record_route_preset", "double attempt to record-route", at: at)
            return -1
        }
        if addresses.count > 1 && enableDoubleRR == 0 {
            ctx.logFunctionError("record_route_preset", "a second address needs the 'enable_double_rr' parameter", at: at)
            return -1
        }
        guard ctx.message.kind == .request,
              let user = recordRouteUser(ctx, function: "record_route_preset", at: at),
              let tag = fromTagParameter(ctx, function: "record_route_preset", at: at, alwaysFrom: true) else { return -1 }
        let scheme = recordRouteScheme(ctx)
        let offset = ctx.message.firstHeaderOffset
        for address in addresses {
            ctx.edits.insert("Record-Route: <" + scheme + user + address + tag + (enableFullLR ? ";lr=on" : ";lr") + ">\r\n", at: offset)
        }
        if ctx.routeType != .branch { state.recordRouted = true }
        ctx.rrState = state
        return 1
    }

    /// add_rr_param: kept for the record_route() of this message that follows.
    func addRecordRouteParameter(_ ctx: ScriptContext, _ param: String, at: SourceLocation) -> Int {
        var state = ctx.rrState
        guard !state.recordRouted else {
            // The line is already in the edit list, whose insertions cannot be changed.
            ctx.logFunctionError("add_rr_param", "call it before record_route(); the Record-Route line is already built", at: at)
            return -1
        }
        state.pendingParams += param
        ctx.rrState = state
        return 1
    }

    /// `user@` from the Request-URI when add_username is set (the received one, else the
    /// rewritten one), else "".
    private func recordRouteUser(_ ctx: ScriptContext, function: String, at: SourceLocation) -> String? {
        guard addUsername else { return "" }
        let message = ctx.message
        guard let original = try? message.requestURI() else {
            ctx.logFunctionError(function, "failed to parse the Request-URI", at: at)
            return nil
        }
        if let user = original.user, !user.isEmpty { return message.string(user) + "@" }
        if ctx.newRequestURI != nil, let current = RequestURIText(ctx), let uri = current.uri, let user = uri.user, !user.isEmpty {
            return current.string(user) + "@"
        }
        return ""
    }

    /// `;ftag=` with the From tag (the To tag for a request going upstream), "" without
    /// append_fromtag or without tag; nil when the header does not parse.
    private func fromTagParameter(_ ctx: ScriptContext, function: String, at: SourceLocation, alwaysFrom: Bool = false) -> String? {
        guard appendFromtag else { return "" }
        let message = ctx.message
        let upstream = !alwaysFrom && isUpstream(ctx)
        guard let header = try? (upstream ? message.to() : message.from()) else {
            ctx.logFunctionError(function, upstream ? "failed to parse the To header" : "failed to parse the From header", at: at)
            return nil
        }
        guard let tag = header.tag, !tag.isEmpty else { return "" }
        return ";ftag=" + message.string(tag)
    }

    private func recordRouteScheme(_ ctx: ScriptContext) -> String {
        guard !ignoreSIPS, let uri = RequestURIText(ctx)?.uri, uri.scheme == .sips else { return "sip:" }
        return "sips:"
    }

    static func hostPort(_ socket: ListenAddress) -> String {
        // isIPv6 by the bytes: String.contains is slow, and this runs for every record_route().
        let host = socket.host.utf8.contains(0x3A) ? "[" + socket.host + "]" : socket.host
        return socket.port == 5060 ? host : host + ":" + String(socket.port)
    }

    static func transportParameter(_ proto: TransportProtocol) -> String {
        switch proto {
        case .udp: return ""
        case .wss: return ";transport=ws"
        default: return ";transport=" + proto.lowercaseName
        }
    }

    static func sameSocket(_ a: ListenAddress, _ b: ListenAddress) -> Bool {
        a.proto == b.proto && a.port == b.port && (a.host == b.host || IPAddressText.same(a.host, b.host))
    }

    /// The socket the request came in on. A wildcard listener (0.0.0.0, ::) has no address to
    /// give; the one the kernel uses toward the sender stands in for it.
    func inboundSocket(_ ctx: ScriptContext) -> ListenAddress {
        var socket = ListenAddress(proto: ctx.receive.proto, host: ctx.receive.local.ip, port: ctx.receive.local.port)
        if socket.host == "0.0.0.0" || socket.host == "::", let services,
           let probed = services.sendPath.localAddress(toward: SendTarget(proto: ctx.receive.proto, address: ctx.receive.source), from: socket) {
            socket.host = probed.host
        }
        return socket
    }

    /// The socket the request will leave from, as known now: toward $du or the R-URI, from
    /// the forced socket if the script chose one. Nil when the next hop does not resolve or
    /// no listener serves its transport.
    func socketTowardNextHop(_ ctx: ScriptContext) -> ListenAddress? {
        guard let services else { return nil }
        let next = Array(ctx.nextHopURI.utf8)
        // A next hop that is us yet (the R-URI before lookup) says nothing about the way
        // out; resolving it would only cost a DNS query per request.
        if let uri = try? SIPURI.parse(next, 0 ..< next.count), isMyself(next, uri) { return nil }
        guard let target = services.resolver.resolve(uri: ctx.nextHopURI).first else { return nil }
        return services.sendPath.localAddress(toward: target, from: ctx.forcedListenAddress)
    }
}
