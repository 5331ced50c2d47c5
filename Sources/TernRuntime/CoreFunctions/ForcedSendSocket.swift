import SIPCore
import SIPTransport
import TernScript

/// The argument of `force_send_socket([proto:]host[:port])`, written back as the
/// `proto:host:port` text `$fs` shows (ScriptContext.forcedSendSocket). What the config leaves
/// out is UDP and 5060, as `$fs = "host"` assumes too.
struct ForcedSendSocket: Equatable, CustomStringConvertible {
    var proto: TransportProtocol
    /// An IP address (IPv6 without brackets) or a host name.
    var host: String
    var port: Int

    /// Nil when `text` is not `[proto:]host[:port]`.
    init?(parsing text: String) {
        guard case .success(let spec) = ListenSpec.parse(text), spec.advertise == nil, spec.name == nil else { return nil }
        proto = spec.proto ?? .udp
        host = spec.host
        port = spec.port ?? 5060
    }

    /// `udp:127.0.0.1:5060`, `tcp:[2001:db8::1]:5061`.
    var description: String {
        proto.lowercaseName + ":" + (host.contains(":") ? "[" + host + "]" : host) + ":" + String(port)
    }
}

extension ScriptContext {
    /// The socket `force_send_socket()` / `$fs` chose, as the listener to send from; nil
    /// when none was forced (or the text is not `proto:host:port`).
    public var forcedListenAddress: ListenAddress? {
        forcedSendSocket.flatMap(ForcedSendSocket.init(parsing:))
            .map { ListenAddress(proto: $0.proto, host: $0.host, port: $0.port) }
    }
}
