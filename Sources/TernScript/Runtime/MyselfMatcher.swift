/// Decides `myself`: whether a host (and port) is one of this server's own addresses — the
/// `listen` hosts and `alias` names of the config, plus whatever the runtime adds once it knows
/// the addresses it really bound. Filled before routing starts and only read afterwards.
public final class MyselfMatcher: @unchecked Sendable {
    private struct Entry {
        let host: [UInt8]
        /// Nil: any port.
        let port: Int?
    }

    private var entries: [Entry] = []

    init() {}

    /// Adds an address. Host names compare case-insensitively; IPv6 may be given with brackets.
    /// Call only before routing starts.
    public func add(host: String, port: Int?) {
        let h = MyselfMatcher.normalizedHost(Array(host.utf8)[...])
        guard !h.isEmpty else { return }
        entries.append(Entry(host: h, port: port))
    }

    /// The addresses known, as `host` or `host:port`.
    public var addresses: [String] {
        entries.map { e in
            let h = String(decoding: e.host, as: UTF8.self)
            return e.port.map { "\(h):\($0)" } ?? h
        }
    }

    /// True when `host` with `port` is ours. A nil `port` matches any port.
    func matches(host: ArraySlice<UInt8>, port: Int?) -> Bool {
        let h = MyselfMatcher.normalizedHost(host)
        for e in entries where e.host == h {
            if let p = port, let ep = e.port, p != ep { continue }
            return true
        }
        return false
    }

    /// For modules that test URIs against `myself` (rr's loose_route).
    public func matches(host: String, port: Int?) -> Bool {
        matches(host: Array(host.utf8)[...], port: port)
    }

    /// Lower case, IPv6 brackets removed, IPv6/IPv4 text canonicalised where it parses.
    static func normalizedHost(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var b = bytes
        if b.first == UInt8(ascii: "["), b.last == UInt8(ascii: "]") { b = b.dropFirst().dropLast() }
        if let address = IPAddress(text: String(decoding: b, as: UTF8.self)) {
            return Array(address.description.utf8)
        }
        return b.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
    }
}
