// Shared by siputils and sanity: a URI given as text, accepted only when Kamailio's URI parser
// would accept it (sip, sips, tel, tels, urn), with the RFC 3261 §19.1.4 comparisons cmp_uri
// and cmp_aor make.
import SIPCore

/// A URI given as text, parsed; schemes Kamailio parses (sip, sips, tel, tels, urn) only.
struct ParsedURI {
    let bytes: [UInt8]
    let uri: SIPURI

    init?(_ text: String) {
        bytes = Array(text.utf8)
        guard let parsed = try? SIPURI.parse(bytes, 0 ..< bytes.count) else { return nil }
        if parsed.scheme == .other {
            let scheme = parsed.schemeString(in: bytes).lowercased()
            guard scheme == "tels" || scheme == "urn" else { return nil }
        }
        uri = parsed
    }

    private var schemeKey: String { uri.schemeString(in: bytes).lowercased() }
    private func part(_ r: Range<Int>?) -> ArraySlice<UInt8> { r.map { bytes[$0] } ?? [] }

    private func sameHost(_ other: ParsedURI) -> Bool {
        part(uri.host).map(asciiLower).elementsEqual(other.part(other.uri.host).map(asciiLower))
    }

    /// RFC 3261 §19.1.4 as Kamailio applies it: scheme, user, password and port exactly, host
    /// case-insensitively; a parameter both sides carry must agree (case-insensitively), and
    /// user, ttl, method and maddr may not appear on one side only when the other has none.
    func equalsPerRFC3261(_ other: ParsedURI) -> Bool {
        guard schemeKey == other.schemeKey,
              part(uri.user).elementsEqual(other.part(other.uri.user)),
              part(uri.password).elementsEqual(other.part(other.uri.password)),
              uri.port == other.uri.port, sameHost(other)
        else { return false }
        let mine = uri.params(in: bytes)
        let theirs = other.uri.params(in: other.bytes)
        if mine.isEmpty && theirs.isEmpty { return true }
        let significant = ["user", "ttl", "method", "maddr"]
        if mine.isEmpty && theirs.contains(where: { other.isParam($0, among: significant) }) { return false }
        if theirs.isEmpty && mine.contains(where: { isParam($0, among: significant) }) { return false }
        for p in mine {
            let name = bytes[p.name].map(asciiLower)
            for q in theirs where other.bytes[q.name].map(asciiLower) == name {
                let a = part(p.value).map(asciiLower)
                let b = other.part(q.value).map(asciiLower)
                if a != b { return false }
            }
        }
        return true
    }

    private func isParam(_ p: URIParam, among names: [String]) -> Bool {
        let name = String(decoding: bytes[p.name], as: UTF8.self).lowercased()
        return names.contains(name)
    }

    /// Same user (exactly), host (case-insensitively) and port, a missing port being 5060.
    func sameAddressOfRecord(_ other: ParsedURI) -> Bool {
        part(uri.user).elementsEqual(other.part(other.uri.user)) && sameHost(other)
            && (uri.port ?? 5060) == (other.uri.port ?? 5060)
    }
}
