import SIPCore
import TernRuntime
import TernScript

/// `$snd(key)`: the message onsend_route is about to send — destination (`ip`, `port`,
/// `proto` as Kamailio's number, `sproto` as text, `af`), the local socket (`sip`, `sport`)
/// and the bytes (`buf`, `len`). Null outside onsend_route.
enum SendPseudoVariables {
    private enum Key: Sendable {
        case ip, port, proto, sproto, af, buf, len, sourceIP, sourcePort
    }

    private static let keys: [String: Key] = [
        "ip": .ip, "port": .port, "proto": .proto, "sproto": .sproto, "af": .af,
        "buf": .buf, "len": .len, "sip": .sourceIP, "sport": .sourcePort,
    ]

    static let declaration = PseudoVariableDeclaration(name: "snd", innerName: .required) { binding throws(Diagnostic) in
        let inner = binding.inner ?? ""
        guard let key = keys[inner] else {
            throw binding.error("unknown key '\(inner)' for $snd", hint: "use one of: " + keys.keys.sorted().joined(separator: ", "))
        }
        return PseudoVariableAccessors(get: { ctx in value(key, ctx[OutgoingMessage.key]) })
    }

    private static func value(_ key: Key, _ outgoing: OutgoingMessage?) -> ScriptValue {
        guard let outgoing else { return .null }
        let target = outgoing.target
        switch key {
        case .ip: return .string(target.address.ip)
        case .port: return .int(target.address.port)
        case .proto: return .int(target.proto.kamailioNumber)
        case .sproto: return .string(target.proto.lowercaseName)
        case .af: return .int(target.address.isIPv6 ? 10 : 2)
        case .buf: return .string(String(decoding: outgoing.bytes, as: UTF8.self))
        case .len: return .int(outgoing.bytes.count)
        case .sourceIP: return outgoing.local.map { .string($0.host) } ?? .null
        case .sourcePort: return outgoing.local.map { .int($0.port) } ?? .null
        }
    }
}
