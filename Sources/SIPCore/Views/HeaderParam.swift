// Parameters after a header value or inside a URI: `;name` or `;name=value`, as byte ranges.

public struct HeaderParam: Sendable, Equatable {
    public var name: Range<Int>
    /// The value as written (a quoted-string keeps its quotes); nil for a bare `;name`.
    public var value: Range<Int>?

    public init(name: Range<Int>, value: Range<Int>?) {
        self.name = name
        self.value = value
    }
}

/// URI parameters have the same shape: name and optional value ranges.
public typealias URIParam = HeaderParam

enum HeaderParamScanner {
    /// Reads `*( SEMI generic-param )` of a header value (RFC 3261 §25.1 SEMI/EQUAL allow LWS),
    /// starting at `start`, calling `visit` for each parameter. Returns the offset where the
    /// parameters end (after trailing LWS): either `end` or a byte that is not `;` (e.g. `,`).
    /// Empty parameters (`;;`) and empty values (`x=`) are errors (RFC 4475 badinv01).
    @inline(__always)
    static func scan(
        _ p: ByteBuffer, _ start: Int, _ end: Int, header: HeaderName,
        _ visit: (Range<Int>, Range<Int>?) throws(SIPParseError) -> Void
    ) throws(SIPParseError) -> Int {
        var i = Scan.skipLWS(p, start, end)
        while i < end && p[i] == ASCII.semicolon {
            i = Scan.skipLWS(p, i &+ 1, end)
            let nameStart = i
            i = Scan.skipToken(p, i, end)
            guard i > nameStart else { throw SIPParseError(.malformedHeader(header)) }
            let name = nameStart ..< i
            var j = Scan.skipLWS(p, i, end)
            var value: Range<Int>? = nil
            if j < end && p[j] == ASCII.equals {
                j = Scan.skipLWS(p, j &+ 1, end)
                let valueStart = j
                if j < end && p[j] == ASCII.quote {
                    guard let close = Scan.quotedStringEnd(p, j, end) else {
                        throw SIPParseError(.malformedHeader(header))
                    }
                    j = close
                } else {
                    while j < end && ByteClass.isParamValueChar(p[j]) { j &+= 1 }
                }
                guard j > valueStart else { throw SIPParseError(.malformedHeader(header)) }
                value = valueStart ..< j
                i = j
            }
            try visit(name, value)
            i = Scan.skipLWS(p, i, end)
        }
        return i
    }

    /// All parameters of a parameter section as an array (used by the `params` accessors).
    static func collect(_ source: [UInt8], _ range: Range<Int>?) -> [HeaderParam] {
        guard let range, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= source.count else { return [] }
        var out: [HeaderParam] = []
        source.withUnsafeBufferPointer { p in
            _ = try? scan(p, range.lowerBound, range.upperBound, header: .other) { (name, value) throws(SIPParseError) in
                out.append(HeaderParam(name: name, value: value))
            }
        }
        return out
    }

    /// First parameter whose name equals `name` case-insensitively.
    static func find(_ source: [UInt8], _ range: Range<Int>?, named name: String) -> HeaderParam? {
        guard let range, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= source.count else { return nil }
        let wanted = Array(name.utf8)
        var found: HeaderParam?
        source.withUnsafeBufferPointer { p in
            wanted.withUnsafeBufferPointer { w in
                _ = try? scan(p, range.lowerBound, range.upperBound, header: .other) { (n, v) throws(SIPParseError) in
                    if found == nil && Scan.equalsIgnoringCase(p, n, w, 0 ..< w.count) {
                        found = HeaderParam(name: n, value: v)
                    }
                }
            }
        }
        return found
    }
}

extension HeaderParam {
    /// The value without surrounding quotes and with quoted-pairs resolved, as text.
    public func valueString(in bytes: [UInt8]) -> String? {
        guard let value else { return nil }
        return QuotedText.unquotedString(bytes, value)
    }
}

/// Quoted-string helpers (RFC 3261 §25.1).
public enum QuotedText {
    /// The text of `range`: if it is a quoted-string, without the quotes and with `\x` turned into `x`.
    public static func unquotedBytes(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt8] {
        let r = Scan.clamp(range, bytes.count)
        guard r.count >= 2, bytes[r.lowerBound] == ASCII.quote, bytes[r.upperBound - 1] == ASCII.quote else {
            return Array(bytes[r])
        }
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        var i = r.lowerBound + 1
        let end = r.upperBound - 1
        while i < end {
            if bytes[i] == ASCII.backslash && i + 1 < end {
                out.append(bytes[i + 1])
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    public static func unquotedString(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: unquotedBytes(bytes, range), as: UTF8.self)
    }
}
