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
        // Built as bytes, each string copied once: this runs for every record-routed request.
        var tail: [UInt8] = []
        tail.reserveCapacity(48)
        Self.append(enableFullLR ? ";lr=on" : ";lr", to: &tail)
        Self.append(tag, to: &tail)
        if let params { Self.append(params, to: &tail) }
        Self.append(state.pendingParams, to: &tail)
        Self.append(">\r\n", to: &tail)
        func line(_ socket: ListenAddress) -> [UInt8] {
            var text: [UInt8] = []
            text.reserveCapacity(64 + tail.count)
            Self.append("Record-Route: <", to: &text)
            Self.append(scheme, to: &text)
            Self.append(user, to: &text)
            if let advertised {
                Self.append(advertised, to: &text)
                Self.append(Self.transportParameter(ctx.receive.proto), to: &text)
            } else {
                Self.appendHostPort(socket, to: &text)
                Self.append(Self.transportParameter(socket.proto), to: &text)
            }
            if doubled { Self.append(";r2=on", to: &text) }
            text += tail
            return text
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
        guard !ignoreSIPS else { return "sip:" }
        // Only a URI written `sips:` can parse as one: the common case needs no parse (this
        // is a filter; the parse below decides).
        let startsWithSIPS: Bool
        if let text = ctx.newRequestURI {
            startsWithSIPS = Self.mayBeSIPS(text.utf8)
        } else {
            startsWithSIPS = Self.mayBeSIPS(ctx.message.bytes[ctx.message.requestURIRange])
        }
        guard startsWithSIPS, let uri = RequestURIText(ctx)?.uri, uri.scheme == .sips else { return "sip:" }
        return "sips:"
    }

    private static func mayBeSIPS<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var it = bytes.makeIterator()
        for expected in "sips:".utf8 {
            guard let c = it.next(), c | 0x20 == expected else { return false }
        }
        return true
    }

    /// `host[:port]` (IPv6 in brackets, no port when it is 5060), appended as bytes.
    static func appendHostPort(_ socket: ListenAddress, to out: inout [UInt8]) {
        var host = socket.host
        host.withUTF8 { bytes in
            let ipv6 = bytes.contains(0x3A)
            if ipv6 { out.append(UInt8(ascii: "[")) }
            out.append(contentsOf: bytes)
            if ipv6 { out.append(UInt8(ascii: "]")) }
        }
        guard socket.port != 5060 else { return }
        out.append(UInt8(ascii: ":"))
        appendDecimal(max(0, socket.port), to: &out)
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    /// A string's UTF-8 appended in one copy (not byte by byte through its view).
    @inline(__always)
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
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
        guard let uri = try? SIPURI.parse(next, 0 ..< next.count) else { return nil }
        // A next hop that is us yet (the R-URI before lookup) says nothing about the way
        // out; resolving it would only cost a DNS query per request.
        if isMyself(next, uri) { return nil }
        guard let target = services.resolver.resolve(uri: uri, in: next).first else { return nil }
        return services.sendPath.localAddress(toward: target, from: ctx.forcedListenAddress)
    }
}
