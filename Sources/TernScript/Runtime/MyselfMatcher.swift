/// Decides `myself`: whether a host (and port) is one of this server's own addresses — the
/// `listen` hosts and `alias` names of the config, plus whatever the runtime adds once it knows
/// the addresses it really bound. Filled before routing starts and only read afterwards.
public final class MyselfMatcher: @unchecked Sendable {
    private struct Entry {
        let host: [UInt8]
        /// Nil: any port.
        let port: Int?
    }

    /// Written before routing starts, then only read (by every worker): no access tracking.
    @exclusivity(unchecked) private var entries: [Entry] = []

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
        // Stored hosts are canonical, so a host written the same way is found without
        // parsing it as an address (the common case: our own address in a Route or R-URI).
        var raw = host
        if raw.first == UInt8(ascii: "["), raw.last == UInt8(ascii: "]") { raw = raw.dropFirst().dropLast() }
        var hostSeen = false
        for e in entries where MyselfMatcher.equalsFolded(e.host, raw) {
            hostSeen = true
            if let p = port, let ep = e.port, p != ep { continue }
            return true
        }
        if hostSeen { return false }
        // Only an address may be written in another form (IPv6 zeros, IPv4 leading zeros).
        guard raw.allSatisfy({ MyselfMatcher.mayBeAddressByte($0) }) else { return false }
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

    @inline(__always)
    static func equalsFolded(_ stored: [UInt8], _ text: ArraySlice<UInt8>) -> Bool {
        guard stored.count == text.count else { return false }
        var i = text.startIndex
        for s in stored {
            let c = text[i]
            if ((c >= 0x41 && c <= 0x5A) ? c | 0x20 : c) != s { return false }
            i += 1
        }
        return true
    }

    /// Digits, hex letters, dots and colons: what an IPv4 or IPv6 address is written with.
    @inline(__always)
    static func mayBeAddressByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x3A) || c == 0x2E || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
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
