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
