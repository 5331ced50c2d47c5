// The transports a SIP message can arrive on, with the names used in Via headers (upper case)
// and in URIs, configs and pseudo-variables (lower case).

public enum TransportProtocol: UInt8, Sendable, CaseIterable {
    case udp, tcp, tls, sctp, ws, wss

    /// "udp", "tcp", … as in `transport=` URI parameters and Kamailio's `$pr`.
    public var lowercaseName: String {
        switch self {
        case .udp: return "udp"
        case .tcp: return "tcp"
        case .tls: return "tls"
        case .sctp: return "sctp"
        case .ws: return "ws"
        case .wss: return "wss"
        }
    }

    /// "UDP", "TCP", … as in Via headers.
    public var uppercaseName: String {
        switch self {
        case .udp: return "UDP"
        case .tcp: return "TCP"
        case .tls: return "TLS"
        case .sctp: return "SCTP"
        case .ws: return "WS"
        case .wss: return "WSS"
        }
    }

    /// Kamailio's PROTO_* numbers, as `$prid` and `$snd(proto)` show them.
    public var kamailioNumber: Int {
        switch self {
        case .udp: return 1
        case .tcp: return 2
        case .tls: return 3
        case .sctp: return 4
        case .ws: return 5
        case .wss: return 6
        }
    }

    /// Stream transports need framing by Content-Length (RFC 3261 §18.3).
    public var isStream: Bool { self == .tcp || self == .tls || self == .ws || self == .wss }

    /// Reliable transports do not retransmit (RFC 3261 §17.1.1.2).
    public var isReliable: Bool { self != .udp }

    /// Recognises a transport name in any case.
    public init?(name: String) {
        let utf8 = Array(name.utf8)
        guard let value = utf8.withUnsafeBufferPointer({ TransportProtocol($0, 0 ..< $0.count) }) else { return nil }
        self = value
    }

    init?(_ p: ByteBuffer, _ r: Range<Int>) {
        switch r.count {
        case 2 where Scan.equalsLowercase(p, r, "ws"): self = .ws
        case 3 where Scan.equalsLowercase(p, r, "udp"): self = .udp
        case 3 where Scan.equalsLowercase(p, r, "tcp"): self = .tcp
        case 3 where Scan.equalsLowercase(p, r, "tls"): self = .tls
        case 3 where Scan.equalsLowercase(p, r, "wss"): self = .wss
        case 4 where Scan.equalsLowercase(p, r, "sctp"): self = .sctp
        default: return nil
        }
    }
}
