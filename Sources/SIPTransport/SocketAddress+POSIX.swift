#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore

/// Conversions between textual addresses and `sockaddr_storage`, kept in one place so the
/// UDP paths never build strings they do not need.
enum POSIXAddress {
    /// Builds a socket address for a numeric IPv4/IPv6 host; nil when the text is not numeric.
    static func make(host: String, port: Int) -> (storage: sockaddr_storage, length: socklen_t)? {
        var storage = sockaddr_storage()
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.contains(":") {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            guard inet_pton(AF_INET6, bare, &addr.sin6_addr) == 1 else { return nil }
            withUnsafeMutableBytes(of: &storage) { dst in
                withUnsafeBytes(of: addr) { dst.copyMemory(from: $0) }
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        guard inet_pton(AF_INET, bare, &addr.sin_addr) == 1 else { return nil }
        withUnsafeMutableBytes(of: &storage) { dst in
            withUnsafeBytes(of: addr) { dst.copyMemory(from: $0) }
        }
        return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    /// As `make(host:port:)` for an address already known to be numeric and of that family
    /// (a SendTarget's): no scanning of the text.
    static func make(ip: String, port: Int, isIPv6: Bool) -> (storage: sockaddr_storage, length: socklen_t)? {
        var storage = sockaddr_storage()
        if isIPv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            guard inet_pton(AF_INET6, ip, &addr.sin6_addr) == 1 else { return nil }
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: addr) { dst.copyMemory(from: $0) } }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        guard inet_pton(AF_INET, ip, &addr.sin_addr) == 1 else { return nil }
        withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: addr) { dst.copyMemory(from: $0) } }
        return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    /// The numeric text and port of a received peer address.
    static func text(of storage: inout sockaddr_storage) -> SocketAddressText {
        if Int32(storage.ss_family) == AF_INET6 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            return withUnsafePointer(to: &storage) { raw in
                raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    return SocketAddressText(ip: String(cString: buffer), port: Int(UInt16(bigEndian: sin6.pointee.sin6_port)), isIPv6: true)
                }
            }
        }
        return withUnsafePointer(to: &storage) { raw in
            raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                SocketAddressText(
                    ip: dottedQuad(UInt32(bigEndian: sin.pointee.sin_addr.s_addr)),
                    port: Int(UInt16(bigEndian: sin.pointee.sin_port)), isIPv6: false)
            }
        }
    }

    /// An IPv4 address as dotted decimal, written directly: glibc's inet_ntop formats through
    /// sprintf, which cost more than the rest of receiving a datagram when peers alternate.
    static func dottedQuad(_ address: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { out in
            var n = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int(truncatingIfNeeded: address >> UInt32(shift)) & 0xff
                if octet >= 100 {
                    out[n] = UInt8(ascii: "0") &+ UInt8(octet / 100)
                    n &+= 1
                }
                if octet >= 10 {
                    out[n] = UInt8(ascii: "0") &+ UInt8(octet / 10 % 10)
                    n &+= 1
                }
                out[n] = UInt8(ascii: "0") &+ UInt8(octet % 10)
                n &+= 1
                if shift > 0 {
                    out[n] = UInt8(ascii: ".")
                    n &+= 1
                }
            }
            return n
        }
    }
}
