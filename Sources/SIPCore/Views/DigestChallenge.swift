// WWW-Authenticate / Proxy-Authenticate challenges (RFC 3261 §22.4, §25.1; RFC 2617).
// Quoted values are ranges without their quotes.

public struct DigestChallenge: Sendable {
    public var scheme: Range<Int>
    public var isDigest: Bool
    public var realm: Range<Int>?
    public var nonce: Range<Int>?
    public var opaque: Range<Int>?
    /// `stale=true` (case-insensitive).
    public var stale: Bool
    public var algorithm: Range<Int>?
    public var qop: Range<Int>?
    public var domain: Range<Int>?
    public var params: [HeaderParam]

    public static func parse(_ bytes: [UInt8], _ range: Range<Int>, header: HeaderName = .wwwAuthenticate) throws(SIPParseError) -> DigestChallenge {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw SIPParseError(.malformedHeader(header)) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) -> DigestChallenge in
            let parsed = try AuthParamScanner.parse(p, range, header: header)
            guard parsed.token68 == nil else { throw SIPParseError(.malformedHeader(header)) }
            var c = DigestChallenge(
                scheme: parsed.scheme, isDigest: AuthParamScanner.isDigest(p, parsed.scheme), stale: false,
                params: parsed.params)
            for param in parsed.params {
                let n = param.name
                let v = param.value
                if Scan.equalsLowercase(p, n, "realm") { c.realm = v }
                else if Scan.equalsLowercase(p, n, "nonce") { c.nonce = v }
                else if Scan.equalsLowercase(p, n, "opaque") { c.opaque = v }
                else if Scan.equalsLowercase(p, n, "stale") { c.stale = v.map { Scan.equalsLowercase(p, $0, "true") } ?? false }
                else if Scan.equalsLowercase(p, n, "algorithm") { c.algorithm = v }
                else if Scan.equalsLowercase(p, n, "qop") { c.qop = v }
                else if Scan.equalsLowercase(p, n, "domain") { c.domain = v }
            }
            return c
        }
    }
}
