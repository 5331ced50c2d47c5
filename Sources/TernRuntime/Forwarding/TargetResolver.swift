import SIPCore
import SIPTransport

/// RFC 3263 §4 target selection for a next-hop URI, as Kamailio does it without NAPTR
/// (dns_try_naptr is off by default): the transport from `transport=` (sips means TLS);
/// a numeric host is used as is; a name with a port is looked up as A (and AAAA when
/// IPv6 is tried); a name without a port by SRV (`_sip._udp`, `_sip._tcp`, `_sips._tcp`)
/// first, then A/AAAA at the default port. Kamailio's `dns`/`rev_dns` settings only govern
/// reverse lookups for Via `received`, and `use_dns_cache` a cache: neither changes this.
public struct TargetResolver: Sendable {
    /// Look up AAAA records as well (a server listening on IPv6).
    public var tryIPv6: Bool
    let lookup: any NameLookup

    public init(tryIPv6: Bool = false, lookup: any NameLookup = SystemNameLookup()) {
        self.tryIPv6 = tryIPv6
        self.lookup = lookup
    }

    /// The transport addresses for `uri`, best first; [] = unresolvable (or not a SIP URI).
    public func resolve(uri: String) -> [SendTarget] {
        guard let parts = NextHopURI(uri) else { return [] }
        return resolve(parts)
    }

    /// The same for a URI the caller has parsed already (no second copy and parse).
    public func resolve(uri: SIPURI, in bytes: [UInt8]) -> [SendTarget] {
        guard let parts = NextHopURI(uri: uri, in: bytes) else { return [] }
        return resolve(parts)
    }

    private func resolve(_ parts: NextHopURI) -> [SendTarget] {
        resolve(host: parts.host, port: parts.port, proto: parts.proto, secure: parts.secure)
    }

    /// For `forward(host, port)` and friends: `port` nil = look for SRV records, `proto`
    /// nil = UDP (TLS when `secure`).
    public func resolve(host: String, port: Int?, proto: TransportProtocol?, secure: Bool = false) -> [SendTarget] {
        var bare = host
        if bare.utf8.first == 0x5B, bare.utf8.last == 0x5D, bare.utf8.count >= 2 { bare = String(bare.dropFirst().dropLast()) }
        guard !bare.isEmpty else { return [] }
        let transport = proto ?? (secure ? .tls : .udp)
        let defaultPort = transport == .tls ? 5061 : 5060
        if let family = NumericAddress.family(bare) {
            return [SendTarget(proto: transport, address: SocketAddressText(ip: bare, port: port ?? defaultPort,
                                                                            isIPv6: family == .v6))]
        }
        if let port {
            return addresses(of: bare).map { SendTarget(proto: transport, address: SocketAddressText(ip: $0, port: port)) }
        }
        let service: String
        switch transport {
        case .tls: service = "_sips._tcp."
        case .tcp: service = "_sip._tcp."
        default: service = "_sip._udp."
        }
        var out: [SendTarget] = []
        for record in lookup.services(service + bare).sorted(by: SRVRecord.preferred) {
            for ip in addresses(of: record.target) {
                out.append(SendTarget(proto: transport, address: SocketAddressText(ip: ip, port: record.port)))
            }
        }
        if !out.isEmpty { return out }
        return addresses(of: bare).map { SendTarget(proto: transport, address: SocketAddressText(ip: $0, port: defaultPort)) }
    }

    private func addresses(of host: String) -> [String] {
        var host = host
        if host.hasSuffix(".") { host.removeLast() }
        if NumericAddress.isNumeric(host) { return [host] }
        return lookup.addresses(of: host, includeIPv6: tryIPv6)
    }
}

/// The parts of a next-hop URI the resolver needs.
struct NextHopURI {
    var host: String
    var port: Int?
    var proto: TransportProtocol?
    var secure: Bool

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let uri = try? SIPURI.parse(bytes, 0 ..< bytes.count) else { return nil }
        self.init(uri: uri, in: bytes)
    }

    init?(uri: SIPURI, in bytes: [UInt8]) {
        switch uri.scheme {
        case .sip: secure = false
        case .sips: secure = true
        default: return nil
        }
        host = uri.hostAddressString(in: bytes)
        port = uri.port
        if let range = uri.transport {
            guard let named = TransportProtocol(name: String(decoding: bytes[range], as: UTF8.self)) else { return nil }
            proto = named
        }
        // sips: TLS over TCP (RFC 3261 §26.2.2); `transport=tcp` on a sips URI still means TLS.
        if secure && (proto == nil || proto == .tcp) { proto = .tls }
    }
}
