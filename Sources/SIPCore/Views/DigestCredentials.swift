// Authorization / Proxy-Authorization credentials (RFC 3261 §22.4, §25.1; RFC 2617). Any scheme
// parses (RFC 4475 regaut01: an unknown scheme must not break the server); the Digest fields are
// filled for Digest. Quoted values are ranges without their quotes.

public struct DigestCredentials: Sendable {
    public var scheme: Range<Int>
    public var isDigest: Bool
    public var username: Range<Int>?
    public var realm: Range<Int>?
    public var nonce: Range<Int>?
    public var uri: Range<Int>?
    public var response: Range<Int>?
    public var algorithm: Range<Int>?
    public var cnonce: Range<Int>?
    public var opaque: Range<Int>?
    public var qop: Range<Int>?
    public var nc: Range<Int>?
    /// Every auth-param in order (including the ones above).
    public var params: [HeaderParam]
    /// The credentials when they are not auth-params (e.g. Basic's base64 blob).
    public var token68: Range<Int>?

    public static func parse(_ bytes: [UInt8], _ range: Range<Int>, header: HeaderName = .authorization) throws(SIPParseError) -> DigestCredentials {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw SIPParseError(.malformedHeader(header)) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) -> DigestCredentials in
            let parsed = try AuthParamScanner.parse(p, range, header: header)
            var c = DigestCredentials(
                scheme: parsed.scheme, isDigest: AuthParamScanner.isDigest(p, parsed.scheme), params: parsed.params,
                token68: parsed.token68)
            for param in parsed.params {
                let n = param.name
                let v = param.value
                if Scan.equalsLowercase(p, n, "username") { c.username = v }
                else if Scan.equalsLowercase(p, n, "realm") { c.realm = v }
                else if Scan.equalsLowercase(p, n, "nonce") { c.nonce = v }
                else if Scan.equalsLowercase(p, n, "uri") { c.uri = v }
                else if Scan.equalsLowercase(p, n, "response") { c.response = v }
                else if Scan.equalsLowercase(p, n, "algorithm") { c.algorithm = v }
                else if Scan.equalsLowercase(p, n, "cnonce") { c.cnonce = v }
                else if Scan.equalsLowercase(p, n, "opaque") { c.opaque = v }
                else if Scan.equalsLowercase(p, n, "qop") { c.qop = v }
                else if Scan.equalsLowercase(p, n, "nc") { c.nc = v }
            }
            return c
        }
    }
}
