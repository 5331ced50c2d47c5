// Comma-separated header values (RFC 3261 §7.3.1): commas inside quoted-strings and inside
// `<...>` do not split (a URI user part may contain ',' — RFC 4475 intmeth).

public enum HeaderValueSplitter {
    /// The trimmed elements of `range`, in order. Empty elements (`a,,b`) are returned as empty
    /// ranges so callers that require values can reject them (RFC 4475 badinv01).
    public static func split(_ bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return [] }
        return bytes.withUnsafeBufferPointer { p in split(p, range) }
    }

    static func split(_ p: ByteBuffer, _ range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        forEachElement(p, range) { out.append($0) }
        return out
    }

    /// Calls `body` with each trimmed element (empty ones included), without building an array.
    @inline(__always)
    static func forEachElement<E: Error>(
        _ p: ByteBuffer, _ range: Range<Int>, _ body: (Range<Int>) throws(E) -> Void
    ) throws(E) {
        var start = range.lowerBound
        while true {
            let end = elementEnd(p, start, range.upperBound)
            try body(Scan.trimmed(p, start ..< end))
            if end >= range.upperBound { break }
            start = end &+ 1
        }
    }

    /// Offset of the comma ending the element that starts at `start`, or `end`.
    @inline(__always)
    static func elementEnd(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Int {
        var i = start
        var inAngle = false
        while i < end {
            let b = p[i]
            if b == ASCII.quote && !inAngle {
                // An unterminated quote swallows the rest; the element parser reports it.
                i = Scan.quotedStringEnd(p, i, end) ?? end
                continue
            }
            if b == ASCII.lessThan {
                inAngle = true
            } else if b == ASCII.greaterThan {
                inAngle = false
            } else if b == ASCII.comma && !inAngle {
                return i
            }
            i &+= 1
        }
        return end
    }
}
