import SIPCore

/// Where the message came from and arrived on (Kamailio 5.6.3 formats, checked): `$si` is the
/// bare address, `$su` `sip:ip:port` with `;transport=` only when not UDP, `$sut` always with
/// it, `$sas`/`$Ras` `proto:ip:port`. Tern does not advertise other addresses, so `$RA*` equal
/// `$R*`; sockets have no names here, so `$Rn` is null. `$fs` is the forced send socket.
enum NetworkPseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += CorePseudoVariables.viewed(["si", "src_ip"]) { ctx in .string(ctx.receive.source.ip) }
        out += CorePseudoVariables.computed(["sp", "src_port"]) { ctx in .int(ctx.receive.source.port) }
        out += CorePseudoVariables.viewed(["siz"]) { ctx in .string(ctx.receive.source.hostText) }
        out += CorePseudoVariables.computed(["su"]) { ctx in .string(uri(ctx.receive.source, ctx.receive.proto, always: false)) }
        out += CorePseudoVariables.computed(["sut"]) { ctx in .string(uri(ctx.receive.source, ctx.receive.proto, always: true)) }
        out += CorePseudoVariables.computed(["sas"]) { ctx in .string(socket(ctx.receive.source, ctx.receive.proto)) }
        for prefix in ["R", "RA"] {
            out += CorePseudoVariables.viewed(["\(prefix)i"]) { ctx in .string(ctx.receive.local.ip) }
            out += CorePseudoVariables.computed(["\(prefix)p"]) { ctx in .int(ctx.receive.local.port) }
            out += CorePseudoVariables.computed(["\(prefix)u"]) { ctx in .string(uri(ctx.receive.local, ctx.receive.proto, always: false)) }
            out += CorePseudoVariables.computed(["\(prefix)ut"]) { ctx in .string(uri(ctx.receive.local, ctx.receive.proto, always: true)) }
        }
        out += CorePseudoVariables.computed(["Ras"]) { ctx in .string(socket(ctx.receive.local, ctx.receive.proto)) }
        out += CorePseudoVariables.computed(["Rn"]) { _ in .null }
        out += CorePseudoVariables.viewed(["pr", "proto"]) { ctx in .string(ctx.receive.proto.lowercaseName) }
        out += CorePseudoVariables.computed(["prid"]) { ctx in .int(ctx.receive.proto.kamailioNumber) }
        out.append(CorePseudoVariables.keyed("af", keys: ["id": false, "name": true]) { ctx, name in
            let v6 = ctx.receive.local.isIPv6
            return name ? .string(v6 ? "IPv6" : "IPv4") : .int(v6 ? 10 : 2)
        })
        out += CorePseudoVariables.writable(["fs"], view: { ctx in
            ctx.forcedSendSocket.map { .string($0) } ?? .null
        }, set: { ctx, v in
            switch v {
            case .null: ctx.forcedSendSocket = nil
            case .int: ctx.worker.logger.error("$fs: a socket is written proto:host:port")
            case .string(let s):
                guard let socket = ForcedSocket(s) else {
                    ctx.worker.logger.error("$fs: bad socket '\(s)' (write proto:host:port)")
                    return
                }
                ctx.forcedSendSocket = socket.text
            }
        })
        out += CorePseudoVariables.computed(["fsp"]) { ctx in
            guard let s = ctx.forcedSendSocket, let socket = ForcedSocket(s) else { return .int(0) }
            return .int(socket.port)
        }
        return out
    }

    static func uri(_ address: SocketAddressText, _ proto: TransportProtocol, always: Bool) -> String {
        var s = "sip:" + address.description
        if always || proto != .udp { s += ";transport=" + proto.lowercaseName }
        return s
    }

    static func socket(_ address: SocketAddressText, _ proto: TransportProtocol) -> String {
        proto.lowercaseName + ":" + address.description
    }
}

/// A socket written as `[proto:]host[:port]` (force_send_socket, `$fs`), kept as
/// `proto:host:port` (UDP and 5060 when not given).
struct ForcedSocket {
    var proto: TransportProtocol
    var host: String
    var port: Int

    init?(_ text: String) {
        var rest = Substring(text.trimmingBlanks)
        proto = .udp
        if let colon = rest.firstIndex(of: ":"), let p = TransportProtocol(name: String(rest[..<colon])) {
            proto = p
            rest = rest[rest.index(after: colon)...]
        }
        port = 5060
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[...close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            } else if !rest.isEmpty {
                return nil
            }
        } else {
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let h = parts.first, !h.isEmpty else { return nil }
            host = String(h)
            if parts.count == 2 {
                guard let p = Int(parts[1]), (1...65535).contains(p) else { return nil }
                port = p
            }
        }
        guard host.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: ";") }) else { return nil }
    }

    var text: String { "\(proto.lowercaseName):\(host):\(port)" }
}
