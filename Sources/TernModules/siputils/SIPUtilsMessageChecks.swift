// siputils tests on the message: is_request, is_reply, has_totag, is_user, is_first_hop,
// is_supported, is_gruu, hdr_date_check.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import TernRuntime
import TernScript

enum SIPUtilsMessageChecks {
    static func functions(_ module: SIPUtilsModule) -> [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "is_request", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { ctx in ctx.message.kind == .request ? 1 : -1 }
            },
            FunctionDeclaration(name: "is_reply", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { ctx in ctx.message.kind == .response ? 1 : -1 }
            },
            FunctionDeclaration(name: "has_totag", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { ctx in
                    guard let to = try? ctx.message.to(), let tag = to.tag, !tag.isEmpty else { return -1 }
                    return 1
                }
            },
            FunctionDeclaration(name: "is_user", argumentCounts: 1...1, routeTypes: .request) { args, _ throws(Diagnostic) in
                let user = try args[0].formatString()
                return { ctx in
                    guard let credentials = ctx[AuthorizedCredentials.key] else {
                        ctx.worker.logger.error("is_user: no authorized credentials (call www_authorize or proxy_authorize first)")
                        return -1
                    }
                    let wanted = user.evaluate(ctx)
                    return !credentials.user.isEmpty && credentials.user.utf8.elementsEqual(wanted.utf8) ? 1 : -1
                }
            },
            FunctionDeclaration(name: "is_first_hop", argumentCounts: 0...1, routeTypes: .any) { [unowned module] args, _ throws(Diagnostic) in
                let mode = args.first
                if let mode, mode.isConstant, mode.constantInt == nil {
                    throw .error("is_first_hop: the mode must be a number", at: mode.location)
                }
                return { ctx in
                    let m = mode.map { $0.evaluateInt(ctx) ?? 0 } ?? 0
                    return isFirstHop(ctx, mode: m, services: module.services)
                }
            },
            FunctionDeclaration(name: "is_supported", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let known = ["path", "gruu", "timer", "100rel", "outbound", "eventlist"]
                guard let option = args[0].literalText?.lowercased(), known.contains(option) else {
                    throw .error("is_supported: unknown option '\(args[0].literalText ?? "")'", at: args[0].location,
                                 hint: "one of: \(known.joined(separator: ", "))")
                }
                let wanted = Array(option.utf8)
                return { ctx in
                    let m = ctx.message
                    guard m.firstHeader(.supported) != nil else { return -1 }
                    for value in m.listValues(.supported) where m.bytes[value].map(asciiLower).elementsEqual(wanted) { return 1 }
                    return -1
                }
            },
            FunctionDeclaration(name: "is_gruu", argumentCounts: 0...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let given = try args.first.map { a throws(Diagnostic) in try a.formatString() }
                return { ctx in
                    let bytes: [UInt8]
                    if let given {
                        bytes = Array(given.evaluate(ctx).utf8)
                    } else {
                        guard let current = RequestURIText(ctx) else { return -1 }
                        bytes = current.bytes
                    }
                    guard let uri = try? SIPURI.parse(bytes, 0 ..< bytes.count) else { return -1 }
                    guard let gr = uri.param(named: "gr", in: bytes) else { return -1 }
                    // A `gr` with a value is a public GRUU, without one a temporary GRUU.
                    return gr.value.map { !$0.isEmpty } ?? false ? 1 : 2
                }
            },
            FunctionDeclaration(name: "hdr_date_check", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let tolerance = args[0]
                if tolerance.isConstant, tolerance.constantInt == nil {
                    throw .error("hdr_date_check: the time difference must be a number of seconds", at: tolerance.location)
                }
                return { ctx in
                    guard let seconds = tolerance.evaluateInt(ctx) else { return -1 }
                    let m = ctx.message
                    guard let field = m.firstHeader(.date), let date = HTTPDate.parse(m.bytes[field.valueRange]) else {
                        ctx.worker.logger.error("hdr_date_check: no Date header, or it does not parse")
                        return -1
                    }
                    // A Date older than the tolerance is stale.
                    return Int(time(nil)) > date + seconds ? -4 : 1
                }
            },
        ]
    }

    /// A request is on its first hop when it carries one Via. A reply is when its top
    /// Record-Route is this server (and, in mode 0, an IP address that is not where the reply
    /// came from, which would be a loop).
    static func isFirstHop(_ ctx: ScriptContext, mode: Int, services: RuntimeServices?) -> Int {
        let m = ctx.message
        if m.kind == .request {
            let vias = (try? m.vias()) ?? []
            return vias.count >= 2 ? -1 : 1
        }
        guard m.kind == .response else { return -1 }
        guard m.firstHeader(.recordRoute) != nil else { return 1 }
        guard let top = (try? m.nameAddrs(.recordRoute))?.first else { return -1 }
        let uri = top.uri
        let bytes = m.bytes
        let host = uri.hostAddressString(in: bytes)
        let hostIsIP = IPAddressText.isIPAddress(host)
        if mode == 0 && !hostIsIP { return -1 }
        guard OwnAddresses.contains(host: host, port: uri.port, ctx: ctx, services: services) else { return -1 }
        if mode == 0 {
            let source = ctx.receive.source
            let samePort = uri.port.map { $0 == source.port } ?? (source.port == 5060)
            let transport = uri.transport.map { String(decoding: bytes[$0], as: UTF8.self).lowercased() }
            let sameProto = transport.map { $0 == ctx.receive.proto.lowercaseName } ?? (ctx.receive.proto == .udp)
            if IPAddressText.same(host, source.ip) && samePort && sameProto { return -1 }
        }
        return 1
    }
}
