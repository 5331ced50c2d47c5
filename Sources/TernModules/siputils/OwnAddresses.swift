// siputils' notion of "this server" for is_first_hop on replies: the address the message
// arrived on, the listen addresses and the aliases of the config.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TernRuntime
import TernScript

/// Whether a host and port are this server's: the address the message arrived on, the listen
/// addresses and the aliases of the config.
enum OwnAddresses {
    static func contains(host: String, port: Int?, ctx: ScriptContext, services: RuntimeServices?) -> Bool {
        let local = ctx.receive.local
        if IPAddressText.same(host, local.ip) && (port == nil || port == local.port) { return true }
        guard let settings = services?.settings else { return false }
        for listen in settings.listens where IPAddressText.same(host, listen.host) || listen.host.equalsIgnoringASCIICase(host) {
            if port == nil || port == listen.port { return true }
        }
        for alias in settings.aliases {
            let parts = alias.split(separator: ":")
            if let name = parts.first, String(name).equalsIgnoringASCIICase(host) {
                if parts.count < 2 || port == nil || Int(parts[1]) == port { return true }
            }
        }
        return false
    }
}

/// IP addresses as text, compared by value (`::1` and `0:0::1` are one address).
enum IPAddressText {
    static func isIPAddress(_ text: String) -> Bool {
        parse(text) != nil
    }

    static func same(_ a: String, _ b: String) -> Bool {
        guard let x = parse(a), let y = parse(b) else { return false }
        return x == y
    }

    private static func parse(_ text: String) -> [UInt8]? {
        var t = text
        if t.hasPrefix("[") && t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, t, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, t, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }
}

fileprivate extension String {
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { asciiLower($0) == asciiLower($1) }
    }
}
