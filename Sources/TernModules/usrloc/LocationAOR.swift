import SIPCore

/// The address-of-record key of a URI as Kamailio's registrar makes it: the unescaped user
/// part, with `@host` when usrloc's use_domain is on; lowercased (ASCII) unless case_sensitive.
enum LocationAOR {
    static func make(_ uriText: String, useDomain: Bool, caseSensitive: Bool) -> String? {
        let bytes = Array(uriText.utf8)
        guard let uri = try? SIPURI.parse(bytes, 0 ..< bytes.count), uri.scheme != .other else { return nil }
        return make(uri, in: bytes, useDomain: useDomain, caseSensitive: caseSensitive)
    }

    static func make(_ uri: SIPURI, in bytes: [UInt8], useDomain: Bool, caseSensitive: Bool) -> String? {
        let all = 0 ..< bytes.count
        let user = uri.user?.clamped(to: all)
        if let user, bytes[user].contains(UInt8(ascii: "%")) {
            return unescaped(uri, in: bytes, useDomain: useDomain, caseSensitive: caseSensitive)
        }
        // Without escapes the key is the user and host bytes as written: copied once into the
        // String, lowercased on the way.
        let host = useDomain ? uri.host.clamped(to: all) : 0 ..< 0
        let userCount = user?.count ?? 0
        let capacity = userCount + (useDomain ? 1 + host.count : 0)
        guard capacity > 0 else { return "" }
        return bytes.withUnsafeBufferPointer { p in
            String(unsafeUninitializedCapacity: capacity) { out in
                var n = 0
                func put(_ b: UInt8) {
                    out[n] = !caseSensitive && b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                    n += 1
                }
                if let user { for i in user { put(p[i]) } }
                if useDomain {
                    if n > 0 { put(UInt8(ascii: "@")) }
                    for i in host { put(p[i]) }
                }
                return n
            }
        }
    }

    private static func unescaped(_ uri: SIPURI, in bytes: [UInt8], useDomain: Bool, caseSensitive: Bool) -> String {
        var key: [UInt8] = uri.user == nil ? [] : (uri.unescapedUser(in: bytes) ?? [])
        if useDomain {
            let host = bytes[uri.host.clamped(to: 0 ..< bytes.count)]
            if !key.isEmpty { key.append(UInt8(ascii: "@")) }
            key.append(contentsOf: host)
        }
        if !caseSensitive {
            for i in key.indices where key[i] >= 0x41 && key[i] <= 0x5A { key[i] |= 0x20 }
        }
        return String(decoding: key, as: UTF8.self)
    }
}
