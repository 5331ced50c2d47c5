#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as bytes, for `src_ip == 10.0.0.0/8` style conditions and `myself`.
struct IPAddress: Equatable, CustomStringConvertible {
    let bytes: [UInt8]

    var isIPv6: Bool { bytes.count == 16 }

    init?(text: String) {
        var t = text
        if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, t, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, t, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        if isIPv6 {
            var a = in6_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &a, &buffer, socklen_t(buffer.count))
        } else {
            var a = in_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET, &a, &buffer, socklen_t(buffer.count))
        }
        return String(cString: buffer)
    }

    /// True when the first `bits` bits of both addresses are equal (same family only).
    func matches(_ other: IPAddress, prefixBits bits: Int) -> Bool {
        guard bytes.count == other.bytes.count else { return false }
        var remaining = max(0, min(bits, bytes.count * 8))
        var i = 0
        while remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - remaining))
            if bytes[i] & mask != other.bytes[i] & mask { return false }
            remaining -= 8
            i += 1
        }
        return true
    }

    /// Prefix length of a netmask written as an address (255.255.255.0 → 24); nil if not contiguous.
    var prefixLength: Int? {
        var bits = 0
        var ended = false
        for b in bytes {
            for k in (0..<8).reversed() {
                if b & (1 << k) != 0 {
                    if ended { return nil }
                    bits += 1
                } else {
                    ended = true
                }
            }
        }
        return bits
    }
}
