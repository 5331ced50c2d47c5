// `scheme LWS auth-param *(COMMA auth-param)` (RFC 3261 §25.1 credentials/challenge, RFC 7235
// token68 for other schemes). Shared by DigestCredentials and DigestChallenge.

enum AuthParamScanner {
    struct Parsed {
        var scheme: Range<Int>
        var params: [HeaderParam]
        var token68: Range<Int>?
    }

    /// Quoted values are reported without their quotes.
    static func parse(_ p: ByteBuffer, _ range: Range<Int>, header: HeaderName) throws(SIPParseError) -> Parsed {
        func bad() -> SIPParseError { SIPParseError(.malformedHeader(header)) }
        let r = Scan.trimmed(p, range)
        let e = r.upperBound
        var i = r.lowerBound
        let schemeStart = i
        i = Scan.skipToken(p, i, e)
        guard i > schemeStart else { throw bad() }
        var parsed = Parsed(scheme: schemeStart ..< i, params: [], token68: nil)
        guard i < e else { return parsed }
        guard ByteClass.isLWS(p[i]) else { throw bad() }
        i = Scan.skipLWS(p, i, e)
        let restStart = i
        if isToken68(p, restStart, e) {
            parsed.token68 = restStart ..< e
            return parsed
        }

        var params: [HeaderParam] = []
        // Digest credentials carry nine or ten parameters: one allocation instead of five
        // (growing 1, 2, 4, 8, 16).
        params.reserveCapacity(12)
        var ok = true
        while i < e {
            let nameStart = i
            i = Scan.skipToken(p, i, e)
            let name = nameStart ..< i
            i = Scan.skipLWS(p, i, e)
            guard !name.isEmpty, i < e, p[i] == ASCII.equals else { ok = false; break }
            i = Scan.skipLWS(p, i &+ 1, e)
            guard i < e else { ok = false; break }
            let value: Range<Int>
            if p[i] == ASCII.quote {
                guard let close = Scan.quotedStringEnd(p, i, e) else { throw bad() }
                value = i &+ 1 ..< close &- 1
                i = close
            } else {
                let valueStart = i
                while i < e && !ByteClass.isLWS(p[i]) && p[i] != ASCII.comma && p[i] != ASCII.quote { i &+= 1 }
                guard i > valueStart else { ok = false; break }
                value = valueStart ..< i
            }
            params.append(HeaderParam(name: name, value: value))
            i = Scan.skipLWS(p, i, e)
            if i < e {
                guard p[i] == ASCII.comma else { ok = false; break }
                i = Scan.skipLWS(p, i &+ 1, e)
            }
        }
        if ok {
            parsed.params = params
        } else {
            // Not auth-params: a token68 blob (Basic and the like) or something unknown; keep it whole.
            parsed.token68 = restStart ..< e
        }
        return parsed
    }

    /// RFC 7235 token68: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (e.g. Basic's base64).
    static func isToken68(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            let b = p[i]
            let alnum = ByteClass.isDigit(b) || ByteClass.lower(b) &- 0x61 < 26
            guard alnum || b == ASCII.minus || b == ASCII.dot || b == 0x5F || b == 0x7E || b == ASCII.plus || b == ASCII.slash else { break }
            i &+= 1
        }
        guard i > start else { return false }
        while i < end && p[i] == ASCII.equals { i &+= 1 }
        return i == end
    }

    static func isDigest(_ p: ByteBuffer, _ scheme: Range<Int>) -> Bool {
        Scan.equalsLowercase(p, scheme, "digest")
    }
}
