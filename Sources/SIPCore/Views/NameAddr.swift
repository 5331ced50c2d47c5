// From, To, Contact, Route, Record-Route, Refer-To … values (RFC 3261 §20.10, §25.1):
// `[display-name] <URI> *(;param)` or a bare addr-spec, where a bare URI ends at the first
// `;`, `,`, `?` or white space, so its parameters are header parameters (RFC 4475 cparam01)
// and a URI with headers must be inside `<>` (regbadct).

public struct NameAddr: Sendable {
    public var uri: SIPURI
    /// True when the URI was enclosed in `<>`.
    public var hasAngleBrackets: Bool
    var _displayName: Span
    var _params: Span
    var _tag: Span
    var _whole: Span

    /// Display name as written: a quoted-string keeps its quotes; tokens keep their inner LWS.
    public var displayName: Range<Int>? {
        get { _displayName.optional }
        set { _displayName = Span(newValue) }
    }
    /// Header parameters after the URI, without the first `;`; nil when there are none.
    public var paramsRange: Range<Int>? {
        get { _params.optional }
        set { _params = Span(newValue) }
    }
    /// `tag=` value (From/To).
    public var tag: Range<Int>? {
        get { _tag.optional }
        set { _tag = Span(newValue) }
    }
    /// This value, trimmed.
    public var whole: Range<Int> {
        get { _whole.range }
        set { _whole = Span(newValue) }
    }

    /// Header parameters in order (q, expires, tag, …), parsed from `paramsRange` on each call.
    public func params(in bytes: [UInt8]) -> [HeaderParam] {
        guard let paramsRange else { return [] }
        return HeaderParamScanner.collect(bytes, paramsRange.lowerBound &- 1 ..< paramsRange.upperBound)
    }

    /// First header parameter named `name` (case-insensitive).
    public func param(named name: String, in bytes: [UInt8]) -> HeaderParam? {
        guard let paramsRange else { return nil }
        return HeaderParamScanner.find(bytes, paramsRange.lowerBound &- 1 ..< paramsRange.upperBound, named: name)
    }

    /// Contact `expires` parameter in seconds; nil when absent or not a number. Values beyond
    /// 2^32-1 are clamped (RFC 4475 scalar02 lets the registrar fall back to its limits).
    public func expires(in bytes: [UInt8]) -> Int? {
        guard let value = param(named: "expires", in: bytes)?.value else { return nil }
        return bytes.withUnsafeBufferPointer { p -> Int? in
            var v = 0
            var i = value.lowerBound
            guard i < value.upperBound else { return nil }
            while i < value.upperBound {
                let d = p[i] &- ASCII.zero
                guard d < 10 else { return nil }
                v = Swift.min(v &* 10 &+ Int(d), Int(UInt32.max))
                i &+= 1
            }
            return v
        }
    }

    /// Contact `q` parameter in thousandths (q=0.5 → 500); nil when absent or malformed.
    public func q(in bytes: [UInt8]) -> Int? {
        guard let value = param(named: "q", in: bytes)?.value else { return nil }
        return bytes.withUnsafeBufferPointer { p -> Int? in
            var i = value.lowerBound
            let e = value.upperBound
            guard i < e, p[i] == ASCII.zero || p[i] == 0x31 else { return nil }
            var whole = Int(p[i] &- ASCII.zero)
            i &+= 1
            var fraction = 0
            var digits = 0
            if i < e {
                guard p[i] == ASCII.dot else { return nil }
                i &+= 1
                while i < e {
                    let d = p[i] &- ASCII.zero
                    guard d < 10, digits < 3 else { return nil }
                    fraction = fraction * 10 + Int(d)
                    digits += 1
                    i &+= 1
                }
            }
            while digits < 3 { fraction *= 10; digits += 1 }
            whole = whole * 1000 + fraction
            return whole <= 1000 ? whole : nil
        }
    }

    /// Display name without quotes and with quoted-pairs resolved.
    public func displayNameString(in bytes: [UInt8]) -> String? {
        displayName.map { QuotedText.unquotedString(bytes, $0) }
    }

    public static func parse(_ bytes: [UInt8], _ range: Range<Int>, header: HeaderName = .other) throws(SIPParseError) -> NameAddr {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw SIPParseError(.malformedHeader(header)) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            try parse(p, range, header: header)
        }
    }

    static func parse(_ p: ByteBuffer, _ range: Range<Int>, header: HeaderName) throws(SIPParseError) -> NameAddr {
        let whole = Scan.trimmed(p, range)
        let e = whole.upperBound
        var i = whole.lowerBound
        guard i < e else { throw SIPParseError(.malformedHeader(header)) }

        var displayName: Range<Int>? = nil
        var angle = false
        if p[i] == ASCII.quote {
            guard let close = Scan.quotedStringEnd(p, i, e) else { throw SIPParseError(.malformedHeader(header)) }
            displayName = i ..< close
            i = Scan.skipLWS(p, close, e)
            guard i < e, p[i] == ASCII.lessThan else { throw SIPParseError(.malformedHeader(header)) }
            angle = true
        } else if p[i] == ASCII.lessThan {
            angle = true
        } else {
            // Either `*(token LWS) <` or an addr-spec; the first token followed by ':' is a scheme.
            let start = i
            var lastTokenEnd = i
            var tokens = 0
            while i < e {
                let tokenStart = i
                // Bytes >= 0x80 are accepted in unquoted names: deployed UAs send raw UTF-8 there.
                while i < e && (ByteClass.isToken(p[i]) || p[i] >= 0x80) { i &+= 1 }
                if i == tokenStart { break }
                tokens &+= 1
                lastTokenEnd = i
                if tokens == 1 && i < e && p[i] == ASCII.colon { break }
                i = Scan.skipLWS(p, i, e)
            }
            if i < e && p[i] == ASCII.lessThan {
                if tokens > 0 { displayName = start ..< lastTokenEnd }
                angle = true
            } else if tokens == 1 && i < e && p[i] == ASCII.colon {
                i = start
            } else {
                throw SIPParseError(.malformedHeader(header))
            }
        }

        let uri: SIPURI
        do throws(SIPParseError) {
            if angle {
                guard let close = Scan.find(p, ASCII.greaterThan, i &+ 1, e) else {
                    throw SIPParseError(.malformedHeader(header))
                }
                uri = try SIPURI.parse(p, i &+ 1 ..< close)
                i = close &+ 1
            } else {
                let uriStart = i
                while i < e {
                    let b = p[i]
                    if b == ASCII.semicolon || b == ASCII.comma || b == ASCII.question || ByteClass.isLWS(b) { break }
                    i &+= 1
                }
                uri = try SIPURI.parse(p, uriStart ..< i)
            }
        } catch {
            throw SIPParseError(.malformedHeader(header))
        }

        var result = NameAddr(
            uri: uri, hasAngleBrackets: angle, _displayName: Span(displayName), _params: .absent, _tag: .absent,
            _whole: Span(whole))
        let paramsFrom = Scan.skipLWS(p, i, e)
        let end = try HeaderParamScanner.scan(p, i, e, header: header) { (name, value) throws(SIPParseError) in
            if name.count == 3 && Scan.equalsLowercase(p, name, "tag") {
                guard let value else { throw SIPParseError(.malformedHeader(header)) }
                result._tag = Span(value)
            }
        }
        guard end == e else { throw SIPParseError(.malformedHeader(header)) }
        if paramsFrom < e {
            result._params = Span(paramsFrom &+ 1 ..< Scan.trimTrailingLWS(p, paramsFrom &+ 1, e))
        }
        return result
    }
}
