// SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966) as byte ranges; any other scheme is
// kept opaque. IPv6 references keep their brackets (RFC 5118) and the port is only what follows
// the closing bracket, so `[2001:db8::10:5070]` has no port.

public enum URIScheme: UInt8, Sendable, Equatable {
    case sip, sips, tel, other
}

public struct SIPURI: Sendable {
    public var scheme: URIScheme
    /// True when the host is an IPv6 reference in brackets.
    public var isIPv6Reference: Bool
    /// `;lr` present (loose routing, RFC 3261 §16.12).
    public var lr: Bool
    var _port: OptionalInt32
    var _scheme: Span
    var _user: Span
    var _password: Span
    var _host: Span
    var _params: Span
    var _headers: Span
    var _whole: Span
    var _transport: Span
    var _maddr: Span

    public var schemeRange: Range<Int> {
        get { _scheme.range }
        set { _scheme = Span(newValue) }
    }
    /// Userinfo user part, still escaped (RFC 4475 semiuri: `user;par=u%40example.net`).
    /// tel URIs: the telephone number.
    public var user: Range<Int>? {
        get { _user.optional }
        set { _user = Span(newValue) }
    }
    public var password: Range<Int>? {
        get { _password.optional }
        set { _password = Span(newValue) }
    }
    /// Host as written; an IPv6 reference includes its brackets. tel: empty. Other schemes: the
    /// whole opaque part after "scheme:".
    public var host: Range<Int> {
        get { _host.range }
        set { _host = Span(newValue) }
    }
    public var port: Int? {
        get { _port.value }
        set { _port = OptionalInt32(newValue) }
    }
    /// URI parameters without the leading `;`, up to `?` or the end; nil when there are none.
    public var paramsRange: Range<Int>? {
        get { _params.optional }
        set { _params = Span(newValue) }
    }
    /// Headers after `?` (without it).
    public var headers: Range<Int>? {
        get { _headers.optional }
        set { _headers = Span(newValue) }
    }
    public var whole: Range<Int> {
        get { _whole.range }
        set { _whole = Span(newValue) }
    }
    /// `transport=` value, if present.
    public var transport: Range<Int>? {
        get { _transport.optional }
        set { _transport = Span(newValue) }
    }
    /// `maddr=` value, if present.
    public var maddr: Range<Int>? {
        get { _maddr.optional }
        set { _maddr = Span(newValue) }
    }

    @inline(__always)
    init(scheme: URIScheme, schemeRange: Range<Int>, at position: Int, whole: Range<Int>) {
        self.scheme = scheme
        isIPv6Reference = false
        lr = false
        _port = OptionalInt32(nil)
        _scheme = Span(schemeRange)
        _user = .absent
        _password = .absent
        _host = Span(position ..< position)
        _params = .absent
        _headers = .absent
        _whole = Span(whole)
        _transport = .absent
        _maddr = .absent
    }

    /// URI parameters in order, parsed from `paramsRange` on each call. Views hold only offsets
    /// (no arrays, no reference to the bytes) so parsing and copying them costs no allocation.
    public func params(in bytes: [UInt8]) -> [URIParam] {
        guard let paramsRange, paramsRange.lowerBound >= 1, paramsRange.upperBound <= bytes.count else { return [] }
        var out: [URIParam] = []
        bytes.withUnsafeBufferPointer { p in
            _ = try? SIPURI.scanParams(p, paramsRange.lowerBound &- 1, paramsRange.upperBound) { (n, v) throws(SIPParseError) in
                out.append(URIParam(name: n, value: v))
            }
        }
        return out
    }

    public static func parse(_ bytes: [UInt8], _ range: Range<Int>) throws(SIPParseError) -> SIPURI {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw SIPParseError(.malformedURI) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            try parse(p, range)
        }
    }

    /// Parses a URI that fills `range` exactly; anything left over (spaces, `>`) is an error.
    static func parse(_ p: ByteBuffer, _ range: Range<Int>) throws(SIPParseError) -> SIPURI {
        let s = range.lowerBound
        let e = range.upperBound
        var i = s
        guard i < e, ByteClass.lower(p[i]) &- 0x61 < 26 else { throw SIPParseError(.malformedURI) }
        while i < e && ByteClass.isSchemeChar(p[i]) { i &+= 1 }
        guard i < e, p[i] == ASCII.colon else { throw SIPParseError(.malformedURI) }
        let schemeRange = s ..< i
        let scheme: URIScheme
        switch schemeRange.count {
        case 3 where Scan.equalsLowercase(p, schemeRange, "sip"): scheme = .sip
        case 4 where Scan.equalsLowercase(p, schemeRange, "sips"): scheme = .sips
        case 3 where Scan.equalsLowercase(p, schemeRange, "tel"): scheme = .tel
        default: scheme = .other
        }
        i &+= 1
        var uri = SIPURI(scheme: scheme, schemeRange: schemeRange, at: i, whole: range)

        switch scheme {
        case .other:
            let opaqueStart = i
            while i < e && ByteClass.isURIHeaderChar(p[i]) { i &+= 1 }
            guard i == e, i > opaqueStart else { throw SIPParseError(.malformedURI) }
            uri._host = Span(opaqueStart ..< e)
            return uri
        case .tel:
            let numberStart = i
            while i < e && ByteClass.isURIParamChar(p[i]) && p[i] != ASCII.equals { i &+= 1 }
            guard i > numberStart else { throw SIPParseError(.malformedURI) }
            uri._user = Span(numberStart ..< i)
            uri._host = Span(i ..< i)
        case .sip, .sips:
            // '@' cannot appear unescaped anywhere but as the userinfo delimiter, while the user
            // part may contain ';', '?' and ',' (RFC 4475 intmeth, semiuri): so split at the first '@'.
            if let at = Scan.find(p, ASCII.at, i, e) {
                let userStart = i
                var colon = -1
                var k = i
                while k < at {
                    let b = p[k]
                    guard ByteClass.isUserInfoChar(b) else { throw SIPParseError(.malformedURI) }
                    if b == ASCII.colon && colon < 0 { colon = k }
                    k &+= 1
                }
                let userEnd = colon >= 0 ? colon : at
                guard userEnd > userStart else { throw SIPParseError(.malformedURI) }
                uri._user = Span(userStart ..< userEnd)
                if colon >= 0 { uri._password = Span(colon &+ 1 ..< at) }
                i = at &+ 1
            }
            guard i < e else { throw SIPParseError(.malformedURI) }
            if p[i] == ASCII.openBracket {
                let open = i
                i &+= 1
                var colons = 0
                while i < e && ByteClass.isIPv6Char(p[i]) {
                    if p[i] == ASCII.colon { colons &+= 1 }
                    i &+= 1
                }
                guard i < e, p[i] == ASCII.closeBracket, colons >= 2 else { throw SIPParseError(.malformedURI) }
                i &+= 1
                uri._host = Span(open ..< i)
                uri.isIPv6Reference = true
            } else {
                let hostStart = i
                while i < e && ByteClass.isHostChar(p[i]) { i &+= 1 }
                guard i > hostStart else { throw SIPParseError(.malformedURI) }
                uri._host = Span(hostStart ..< i)
            }
            if i < e && p[i] == ASCII.colon {
                let portStart = i &+ 1
                i = portStart
                while i < e && ByteClass.isDigit(p[i]) { i &+= 1 }
                guard let port = Scan.decimal(p, portStart ..< i, max: 65535) else { throw SIPParseError(.malformedURI) }
                uri._port = OptionalInt32(Int(port))
            }
        }

        if i < e && p[i] == ASCII.semicolon {
            let paramsStart = i &+ 1
            i = try scanParams(p, i, e) { (name, value) throws(SIPParseError) in
                switch name.count {
                case 2 where Scan.equalsLowercase(p, name, "lr"): uri.lr = true
                case 5 where Scan.equalsLowercase(p, name, "maddr"): uri._maddr = Span(value)
                case 9 where Scan.equalsLowercase(p, name, "transport"): uri._transport = Span(value)
                default: break
                }
            }
            uri._params = Span(paramsStart ..< i)
        }
        if i < e && p[i] == ASCII.question && scheme != .tel {
            let headersStart = i &+ 1
            i = headersStart
            while i < e && ByteClass.isURIHeaderChar(p[i]) { i &+= 1 }
            uri._headers = Span(headersStart ..< i)
        }
        guard i == e else { throw SIPParseError(.malformedURI) }
        return uri
    }

    /// `*( ";" name [ "=" value ] )` with no white space (URI parameters); `i` points at the
    /// first `;`. Returns where the parameters end.
    @inline(__always)
    static func scanParams(
        _ p: ByteBuffer, _ start: Int, _ e: Int,
        _ visit: (Range<Int>, Range<Int>?) throws(SIPParseError) -> Void
    ) throws(SIPParseError) -> Int {
        var i = start
        while i < e && p[i] == ASCII.semicolon {
            i &+= 1
            let nameStart = i
            while i < e && ByteClass.isURIParamChar(p[i]) && p[i] != ASCII.equals { i &+= 1 }
            guard i > nameStart else { throw SIPParseError(.malformedURI) }
            let name = nameStart ..< i
            var value: Range<Int>? = nil
            if i < e && p[i] == ASCII.equals {
                let valueStart = i &+ 1
                i = valueStart
                while i < e && ByteClass.isURIParamChar(p[i]) { i &+= 1 }
                guard i > valueStart else { throw SIPParseError(.malformedURI) }
                value = valueStart ..< i
            }
            try visit(name, value)
        }
        return i
    }
}

extension SIPURI {
    public func userString(in bytes: [UInt8]) -> String? {
        user.map { String(decoding: bytes[Scan.clamp($0, bytes.count)], as: UTF8.self) }
    }

    /// The user part with %-escapes resolved; `%00` becomes a NUL byte, never a truncation.
    public func unescapedUser(in bytes: [UInt8]) -> [UInt8]? {
        user.map { PercentDecoding.decode(bytes, $0) }
    }

    public func unescapedUserString(in bytes: [UInt8]) -> String? {
        unescapedUser(in: bytes).map { String(decoding: $0, as: UTF8.self) }
    }

    public func passwordString(in bytes: [UInt8]) -> String? {
        password.map { String(decoding: bytes[Scan.clamp($0, bytes.count)], as: UTF8.self) }
    }

    /// Host as written (an IPv6 reference with its brackets).
    public func hostString(in bytes: [UInt8]) -> String {
        String(decoding: bytes[Scan.clamp(host, bytes.count)], as: UTF8.self)
    }

    /// Host without IPv6 brackets, as used for address lookups and comparisons.
    public func hostAddressString(in bytes: [UInt8]) -> String {
        var r = Scan.clamp(host, bytes.count)
        if isIPv6Reference && r.count >= 2 { r = r.lowerBound + 1 ..< r.upperBound - 1 }
        return String(decoding: bytes[r], as: UTF8.self)
    }

    public func schemeString(in bytes: [UInt8]) -> String {
        String(decoding: bytes[Scan.clamp(schemeRange, bytes.count)], as: UTF8.self)
    }

    /// First URI parameter named `name` (case-insensitive).
    public func param(named name: String, in bytes: [UInt8]) -> URIParam? {
        let wanted = Array(name.utf8)
        for param in params(in: bytes) where bytes[Scan.clamp(param.name, bytes.count)].elementsEqual(wanted, by: {
            ByteClass.lower($0) == ByteClass.lower($1)
        }) {
            return param
        }
        return nil
    }

    /// The URI as text.
    public func string(in bytes: [UInt8]) -> String {
        String(decoding: bytes[Scan.clamp(whole, bytes.count)], as: UTF8.self)
    }
}
