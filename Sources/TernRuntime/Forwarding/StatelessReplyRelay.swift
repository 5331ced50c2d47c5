import SIPCore
import SIPTransport
import TernScript

/// Relays a reply that no transaction claimed, as Kamailio's core does (RFC 3261 §16.11,
/// §18.2.2): the top Via must be ours; it is removed and the reply goes to the next Via —
/// its received address (else sent-by host), its rport value (else sent-by port, else the
/// transport's default), over its transport; on a stream, the connection named by our
/// Via's `i=` while it is open.
public enum StatelessReplyRelay {
    public enum Outcome: Sendable, Equatable {
        case relayed(SendTarget)
        /// The top Via is not one of ours (or there is none): dropped.
        case notOurs
        /// Ours was the only Via: the reply was for Tern itself.
        case noNextHop
        case unresolvable
        case sendFailed(SendTarget)
    }

    @discardableResult
    public static func relay(_ reply: SIPMessage, services: RuntimeServices, myself: MyselfMatcher?) -> Outcome {
        guard let vias = try? reply.vias(), let ours = vias.first else { return .notOurs }
        let bytes = reply.bytes
        let ourPort = ours.port ?? (ours.transportProtocol == .tls ? 5061 : 5060)
        // Usually the Via names a bound socket exactly as Tern wrote it; aliases and wildcard
        // sockets need the full `myself` test.
        let hostBytes = bytes[ours.host.clamped(to: 0 ..< bytes.count)]
        guard services.sendPath.isListening(host: hostBytes, port: ourPort)
              || myself?.matches(host: ours.hostString(in: bytes), port: ourPort) == true
        else { return .notOurs }
        guard vias.count >= 2 else { return .noNextHop }
        let next = vias[1]
        guard let target = destination(of: next, in: bytes, resolver: services.resolver) else { return .unresolvable }
        var edits = EditList()
        edits.delete(removalRange(of: ours, in: reply))
        guard let out = try? MessageSerializer.serialize(reply, edits: edits) else { return .unresolvable }
        let connectionID = ours.param(named: "i", in: bytes)?.value.flatMap { hexValue(bytes[$0]) }
        guard services.sendPath.send(out, to: target, from: nil, behaviour: [], connectionID: connectionID) else {
            return .sendFailed(target)
        }
        services.core.detail.forwardedReplies.increment()
        return .relayed(target)
    }

    /// Where a reply to the hop that wrote `via` goes (RFC 3261 §18.2.2, RFC 3581 §4).
    static func destination(of via: ViaHeader, in bytes: [UInt8], resolver: TargetResolver) -> SendTarget? {
        let proto = via.transportProtocol ?? .udp
        var port = via.port
        if case .value(let value) = via.rport { port = value }
        if let received = via.received {
            var ip = String(decoding: bytes[received], as: UTF8.self)
            if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
            if NumericAddress.isNumeric(ip) {
                return SendTarget(proto: proto, address: SocketAddressText(ip: ip, port: port ?? (proto == .tls ? 5061 : 5060)))
            }
        }
        return resolver.resolve(host: via.hostAddressString(in: bytes), port: port, proto: proto).first
    }

    /// The bytes to delete for the top Via: its whole header line when it is the line's only
    /// value, else the value and the comma after it.
    static func removalRange(of via: ViaHeader, in reply: SIPMessage) -> Range<Int> {
        let bytes = reply.bytes
        guard let field = reply.headers.first(where: { $0.name == .via && $0.valueRange.contains(via.whole.lowerBound) })
        else { return via.whole }
        var i = via.whole.upperBound
        while i < field.valueRange.upperBound && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A) { i += 1 }
        if i < field.valueRange.upperBound && bytes[i] == 0x2C {
            // More values follow on this line: drop ours up to the next one.
            i += 1
            while i < field.valueRange.upperBound && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A) { i += 1 }
            return via.whole.lowerBound ..< i
        }
        // The whole line, through its line break.
        var end = field.valueRange.upperBound
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        return field.nameRange.lowerBound ..< min(end + 1, bytes.count)
    }

    static func hexValue(_ text: ArraySlice<UInt8>) -> Int? {
        guard !text.isEmpty, text.count <= 8 else { return nil }
        var value = 0
        for b in text {
            switch b {
            case 0x30...0x39: value = value << 4 | Int(b - 0x30)
            case 0x61...0x66: value = value << 4 | Int(b - 0x57)
            case 0x41...0x46: value = value << 4 | Int(b - 0x37)
            default: return nil
            }
        }
        return value
    }
}
