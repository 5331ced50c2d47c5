import SIPCore
import SIPTransport
import TernScript

/// Stateless forwarding from the script: forward([host[, port]]) and its forward_udp/tcp/tls
/// variants (our Via on top, the script's changes applied, onsend_route consulted), and
/// send([target]) / send_tcp([target]), which pass the request on exactly as received.
/// A host argument may be `host`, `host:port`, `proto:host:port` or a SIP URI.
extension CoreFunctions {
    static var forwardFunctions: [FunctionDeclaration] {
        [
            forwarding("forward", proto: nil),
            forwarding("forward_udp", proto: .udp),
            forwarding("forward_tcp", proto: .tcp),
            forwarding("forward_tls", proto: .tls),
            forwarding("forward_sctp", proto: .sctp),
            sending("send", proto: nil),
            sending("send_tcp", proto: .tcp),
        ]
    }

    private static let forwardRoutes: RouteTypes = [.request, .failure, .branch, .event]

    private static func forwarding(_ name: String, proto: TransportProtocol?) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 0...2, routeTypes: forwardRoutes,
                            argumentKinds: [.format, .integer]) { args, at throws(Diagnostic) in
            let host = try DestinationArgument(args.first, function: name)
            let port = try args.count > 1 ? IntegerArgument(args[1], function: name, what: "port", range: 0...65535) : nil
            return { ctx in
                guard let (services, found) = host.sendingPoint(ctx, proto: proto, function: name, at: at) else { return -1 }
                var destination = found
                if let port, let value = port.value(ctx), value > 0 { destination.port = value }
                switch StatelessForwarder.forward(ctx, to: destination, services: services) {
                case .success:
                    return 1
                case .failure(.unresolvable(let what)):
                    ctx.logFunctionError(name, "bad host name \(what), dropping packet", at: at)
                    return -1
                case .failure(.noSocket(let target)):
                    ctx.logFunctionError(name, "no socket to send to \(target)", at: at)
                    return -1
                case .failure(.sendFailed(let target)):
                    ctx.logFunctionError(name, "sending to \(target) failed", at: at)
                    return -1
                case .failure(.notARequest):
                    ctx.logFunctionError(name, "only requests are forwarded here", at: at)
                    return -1
                case .failure(.droppedByOnSend):
                    return -1
                }
            }
        }
    }

    private static func sending(_ name: String, proto: TransportProtocol?) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 0...1, routeTypes: forwardRoutes) { args, at throws(Diagnostic) in
            let target = try DestinationArgument(args.first, function: name)
            return { ctx in
                guard let (services, destination) = target.sendingPoint(ctx, proto: proto, function: name, at: at) else { return -1 }
                let message = ctx.message
                guard let resolved = StatelessForwarder.resolve(ctx.nextHopURI, destination, services.resolver) else {
                    ctx.logFunctionError(name, "cannot resolve \(destination.host ?? ctx.nextHopURI)", at: at)
                    return -1
                }
                let forced = ctx.forcedListenAddress
                let bytes = Array(message.bytes[message.messageStart ..< message.bodyRange.upperBound])
                guard services.sendPath.send(bytes, to: resolved, from: forced) else {
                    ctx.logFunctionError(name, "sending to \(resolved) failed", at: at)
                    return -1
                }
                return 1
            }
        }
    }
}

/// The optional host argument of forward()/send(): parsed once when it is a constant.
struct DestinationArgument {
    private let argument: ScriptArgument?
    private let constant: StatelessForwarder.Destination?

    init(_ argument: ScriptArgument?, function: String) throws(Diagnostic) {
        self.argument = argument
        if let argument, let text = argument.constantString {
            guard let parsed = Self.parse(text) else {
                throw .error("\(function): bad destination '\(text)' (host, host:port, proto:host:port or a SIP URI)",
                             at: argument.location)
            }
            constant = parsed
        } else {
            constant = nil
        }
    }

    /// No argument: an empty destination (the next-hop URI decides).
    func destination(_ ctx: ScriptContext) -> StatelessForwarder.Destination? {
        if let constant { return constant }
        guard let argument else { return StatelessForwarder.Destination() }
        return argument.evaluateString(ctx).flatMap(Self.parse)
    }

    /// What forward()/send() need before they send: the runtime's transport and the
    /// destination (with the function's fixed protocol), or nil once the reason is logged.
    func sendingPoint(_ ctx: ScriptContext, proto: TransportProtocol?, function name: String,
                      at location: SourceLocation) -> (RuntimeServices, StatelessForwarder.Destination)? {
        guard let services = ctx.worker.runtime as? RuntimeServices else {
            ctx.logFunctionError(name, "no transport to send with", at: location)
            return nil
        }
        guard var destination = destination(ctx) else {
            ctx.logFunctionError(name, "bad destination '\(text(ctx))'", at: location)
            return nil
        }
        if let proto { destination.proto = proto }
        return (services, destination)
    }

    func text(_ ctx: ScriptContext) -> String {
        argument?.evaluateString(ctx) ?? ""
    }

    static func parse(_ raw: String) -> StatelessForwarder.Destination? {
        let text = String(raw.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
        guard !text.isEmpty else { return nil }
        let lower = text.lowercased()
        if lower.hasPrefix("sip:") || lower.hasPrefix("sips:") {
            guard let uri = NextHopURI(text) else { return nil }
            return StatelessForwarder.Destination(host: uri.host, port: uri.port, proto: uri.proto)
        }
        var rest = Substring(text)
        var proto: TransportProtocol?
        if let colon = rest.firstIndex(of: ":"), let named = TransportProtocol(name: String(rest[..<colon])) {
            proto = named
            rest = rest[rest.index(after: colon)...]
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex) ..< close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { return nil }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        return StatelessForwarder.Destination(host: String(host), port: port, proto: proto)
    }
}
