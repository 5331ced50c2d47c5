#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CResolv

/// Name service queries the resolver makes; a protocol so tests can give fixed answers.
public protocol NameLookup: Sendable {
    /// IPv4 addresses of `host` (then IPv6 ones with `includeIPv6`), numeric text, in the
    /// order the system gives them; /etc/hosts is honoured.
    func addresses(of host: String, includeIPv6: Bool) -> [String]
    /// The SRV records of `name` (`_sip._udp.example.com`); [] when there are none.
    func services(_ name: String) -> [SRVRecord]
}

public struct SRVRecord: Sendable, Equatable {
    public var priority: Int
    public var weight: Int
    public var port: Int
    public var target: String

    public init(priority: Int, weight: Int, port: Int, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    /// Lower priority first; within one priority the heavier first (RFC 2782 without the
    /// random draw, so a retransmission goes where the original went).
    static func preferred(_ a: SRVRecord, _ b: SRVRecord) -> Bool {
        a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight
    }
}

/// getaddrinfo for A/AAAA (so /etc/hosts and nsswitch apply) and res_query for SRV.
public struct SystemNameLookup: NameLookup {
    public init() {}

    public func addresses(of host: String, includeIPv6: Bool) -> [String] {
        var out = query(host, family: AF_INET)
        if includeIPv6 {
            for ip in query(host, family: AF_INET6) where !out.contains(ip) { out.append(ip) }
        }
        return out
    }

    private func query(_ host: String, family: Int32) -> [String] {
        var hints = addrinfo()
        hints.ai_family = family
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        #else
        hints.ai_socktype = SOCK_DGRAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let address = info.pointee.ai_addr, let ip = Self.numeric(address, family: info.pointee.ai_family),
               !out.contains(ip) {
                out.append(ip)
            }
            cursor = info.pointee.ai_next
        }
        return out
    }

    private static func numeric(_ address: UnsafeMutablePointer<sockaddr>, family: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if family == AF_INET6 {
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                var addr = sin6.pointee.sin6_addr
                guard inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count)) != nil else { return nil }
                return String(cString: buffer)
            }
        }
        guard family == AF_INET else { return nil }
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
            var addr = sin.pointee.sin_addr
            guard inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        }
    }

    public func services(_ name: String) -> [SRVRecord] {
        var answer = [UInt8](repeating: 0, count: 4096)
        let length = answer.withUnsafeMutableBufferPointer { buffer in
            cresolv_query(name, 33, buffer.baseAddress, Int32(buffer.count))
        }
        guard length > 0 else { return [] }
        return DNSAnswer.srvRecords(Array(answer[0 ..< min(Int(length), answer.count)]))
    }
}

/// Reads SRV records out of a DNS answer (RFC 1035 §4.1, RFC 2782), names possibly compressed.
enum DNSAnswer {
    static func srvRecords(_ packet: [UInt8]) -> [SRVRecord] {
        guard packet.count >= 12 else { return [] }
        let questions = Int(packet[4]) << 8 | Int(packet[5])
        let answers = Int(packet[6]) << 8 | Int(packet[7])
        var offset = 12
        for _ in 0 ..< questions {
            guard let end = skipName(packet, at: offset) else { return [] }
            offset = end + 4
        }
        var out: [SRVRecord] = []
        for _ in 0 ..< answers {
            guard let nameEnd = skipName(packet, at: offset), nameEnd + 10 <= packet.count else { break }
            let type = Int(packet[nameEnd]) << 8 | Int(packet[nameEnd + 1])
            let length = Int(packet[nameEnd + 8]) << 8 | Int(packet[nameEnd + 9])
            let data = nameEnd + 10
            guard data + length <= packet.count else { break }
            if type == 33, length >= 7, let target = readName(packet, at: data + 6) {
                out.append(SRVRecord(
                    priority: Int(packet[data]) << 8 | Int(packet[data + 1]),
                    weight: Int(packet[data + 2]) << 8 | Int(packet[data + 3]),
                    port: Int(packet[data + 4]) << 8 | Int(packet[data + 5]),
                    target: target))
            }
            offset = data + length
        }
        // "." as target means the service is not offered there (RFC 2782).
        return out.filter { !$0.target.isEmpty }
    }

    /// Offset just past the name at `offset`.
    static func skipName(_ packet: [UInt8], at offset: Int) -> Int? {
        var i = offset
        while i < packet.count {
            let length = Int(packet[i])
            if length == 0 { return i + 1 }
            if length & 0xC0 == 0xC0 { return i + 2 <= packet.count ? i + 2 : nil }
            i += 1 + length
        }
        return nil
    }

    /// The dotted name at `offset`, following compression pointers (at most 16 hops).
    static func readName(_ packet: [UInt8], at offset: Int) -> String? {
        var labels: [String] = []
        var i = offset
        var hops = 0
        while i < packet.count {
            let length = Int(packet[i])
            if length == 0 { return labels.joined(separator: ".") }
            if length & 0xC0 == 0xC0 {
                guard i + 1 < packet.count, hops < 16 else { return nil }
                hops += 1
                i = (length & 0x3F) << 8 | Int(packet[i + 1])
                continue
            }
            guard i + 1 + length <= packet.count else { return nil }
            labels.append(String(decoding: packet[i + 1 ..< i + 1 + length], as: UTF8.self))
            i += 1 + length
        }
        return nil
    }
}

/// Numeric IPv4/IPv6 recognition without a lookup.
enum NumericAddress {
    /// The address as 4 or 16 bytes; nil for a name.
    static func binary(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    enum Family { case v4, v6 }

    /// The family of a numeric address; nil for a name.
    static func family(_ host: String) -> Family? {
        // What inet_pton could accept is told by the characters: a name (letters beyond hex
        // digits, '-') needs no conversion to a C string and two parse attempts, and a plain
        // dotted quad is recognised here, in one pass over the bytes.
        var text = host
        let shape: Family?? = text.withUTF8 { bytes -> Family?? in
            var digitsAndDots = true
            for c in bytes {
                switch c {
                case UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "."): break
                case UInt8(ascii: ":"), UInt8(ascii: "a") ... UInt8(ascii: "f"), UInt8(ascii: "A") ... UInt8(ascii: "F"),
                     UInt8(ascii: "%"):
                    digitsAndDots = false
                default: return .some(nil)
                }
            }
            if digitsAndDots && isDottedQuad(bytes) { return .some(.v4) }
            if digitsAndDots { return nil }
            return bytes.contains(UInt8(ascii: ":")) ? nil : .some(nil)
        }
        if let decided = shape { return decided }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return .v4 }
        var v6 = in6_addr()
        return inet_pton(AF_INET6, host, &v6) == 1 ? .v6 : nil
    }

    /// `a.b.c.d` as inet_pton(AF_INET) accepts it: four decimal octets up to 255, no
    /// leading zeros.
    static func isDottedQuad(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var octets = 0
        var value = 0
        var digits = 0
        var leadingZero = false
        for c in bytes {
            if c == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return false }
                octets += 1
                value = 0
                digits = 0
                continue
            }
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return false }
            if digits == 0 { leadingZero = c == UInt8(ascii: "0") } else if leadingZero { return false }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
            digits += 1
            guard value <= 255 else { return false }
        }
        return octets == 3 && digits > 0
    }

    static func isNumeric(_ host: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return true }
        var v6 = in6_addr()
        return inet_pton(AF_INET6, host, &v6) == 1
    }
}
