// Small scanning steps shared by every parser in SIPCore. They work on an unsafe buffer and
// plain offsets so that the hot path creates neither Strings nor slices.

typealias ByteBuffer = UnsafeBufferPointer<UInt8>

enum Scan {
    /// First offset at or after `i` that is not linear white space (SP, HT, or the CR LF of a fold).
    @inline(__always)
    static func skipLWS(_ p: ByteBuffer, _ i: Int, _ end: Int) -> Int {
        var i = i
        while i < end && ByteClass.isLWS(p[i]) { i &+= 1 }
        return i
    }

    /// Offset just past the last byte before `end` that is not linear white space (never below `start`).
    @inline(__always)
    static func trimTrailingLWS(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start && ByteClass.isLWS(p[e &- 1]) { e &-= 1 }
        return e
    }

    @inline(__always)
    static func trimmed(_ p: ByteBuffer, _ r: Range<Int>) -> Range<Int> {
        let s = skipLWS(p, r.lowerBound, r.upperBound)
        return s ..< trimTrailingLWS(p, s, r.upperBound)
    }

    @inline(__always)
    static func skipToken(_ p: ByteBuffer, _ i: Int, _ end: Int) -> Int {
        var i = i
        while i < end && ByteClass.isToken(p[i]) { i &+= 1 }
        return i
    }

    /// Case-insensitive comparison of `p[r]` with an ASCII literal written in lower case.
    @inline(__always)
    static func equalsLowercase(_ p: ByteBuffer, _ r: Range<Int>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard r.count == n else { return false }
        let lit = literal.utf8Start
        var k = 0
        while k < n {
            if ByteClass.lower(p[r.lowerBound &+ k]) != lit[k] { return false }
            k &+= 1
        }
        return true
    }

    /// Case-sensitive comparison of `p[r]` with an ASCII literal.
    @inline(__always)
    static func equals(_ p: ByteBuffer, _ r: Range<Int>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard r.count == n else { return false }
        let lit = literal.utf8Start
        var k = 0
        while k < n {
            if p[r.lowerBound &+ k] != lit[k] { return false }
            k &+= 1
        }
        return true
    }

    /// Case-insensitive prefix test against a lower-case ASCII literal.
    @inline(__always)
    static func hasPrefixLowercase(_ p: ByteBuffer, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end &- start >= n else { return false }
        return equalsLowercase(p, start ..< start &+ n, literal)
    }

    /// Case-sensitive prefix test.
    @inline(__always)
    static func hasPrefix(_ p: ByteBuffer, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end &- start >= n else { return false }
        return equals(p, start ..< start &+ n, literal)
    }

    /// Case-insensitive comparison of two byte ranges.
    @inline(__always)
    static func equalsIgnoringCase(_ p: ByteBuffer, _ a: Range<Int>, _ q: ByteBuffer, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        var k = 0
        let n = a.count
        while k < n {
            if ByteClass.lower(p[a.lowerBound &+ k]) != ByteClass.lower(q[b.lowerBound &+ k]) { return false }
            k &+= 1
        }
        return true
    }

    /// `1*DIGIT` read as an unsigned number; nil when empty, not all digits, or above `max`.
    @inline(__always)
    static func decimal(_ p: ByteBuffer, _ r: Range<Int>, max: UInt64) -> UInt64? {
        guard !r.isEmpty else { return nil }
        var v: UInt64 = 0
        var i = r.lowerBound
        while i < r.upperBound {
            let d = p[i] &- ASCII.zero
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
            if v > max { return nil }
            i &+= 1
        }
        return v
    }

    /// Offset of the first ':' at or after `start`, or `end`; eight bytes at a time like `findLF`.
    @inline(__always)
    static func findColon(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Int {
        var i = start
        #if _endian(little)
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i &+ 8 <= end {
                let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x3A3A_3A3A_3A3A_3A3A
                let found = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                if found != 0 { return i &+ (found.trailingZeroBitCount &>> 3) }
                i &+= 8
            }
        }
        #endif
        while i < end && p[i] != ASCII.colon { i &+= 1 }
        return i
    }

    /// Compares `p[start...]` with a lower-case literal made of letters and '-' (a header name).
    /// For a letter, `b | 0x20` equals it exactly when `b` is that letter in either case; for
    /// '-' the only other byte that ORs to it is CR, which is ruled out explicitly.
    @inline(__always)
    static func equalsNameLowercase(_ p: ByteBuffer, _ start: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        let lit = literal.utf8Start
        var k = 0
        while k < n {
            let b = p[start &+ k]
            if b | 0x20 != lit[k] || b == ASCII.cr { return false }
            k &+= 1
        }
        return true
    }

    /// Offset of the first LF at or after `start`, or `end`. Reads eight bytes at a time: header
    /// values are most of a message, and this is the loop that walks them.
    @inline(__always)
    static func findLF(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Int {
        var i = start
        #if _endian(little)
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i &+ 8 <= end {
                let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                // A zero byte in x is an LF; the lowest flagged byte is exact.
                let found = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                if found != 0 { return i &+ (found.trailingZeroBitCount &>> 3) }
                i &+= 8
            }
        }
        #endif
        while i < end && p[i] != ASCII.lf { i &+= 1 }
        return i
    }

    /// True when the bytes hold a CR or an LF; eight bytes at a time.
    @inline(__always)
    static func containsLineBreak(_ p: ByteBuffer) -> Bool {
        let end = p.count
        var i = 0
        #if _endian(little)
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i &+ 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let lf = word ^ 0x0A0A_0A0A_0A0A_0A0A
                let cr = word ^ 0x0D0D_0D0D_0D0D_0D0D
                let found = ((lf &- 0x0101_0101_0101_0101) & ~lf | (cr &- 0x0101_0101_0101_0101) & ~cr)
                    & 0x8080_8080_8080_8080
                if found != 0 { return true }
                i &+= 8
            }
        }
        #endif
        while i < end {
            if p[i] == ASCII.cr || p[i] == ASCII.lf { return true }
            i &+= 1
        }
        return false
    }

    /// Offset of the first `byte` in `p[start..<end]`, or nil; eight bytes at a time.
    @inline(__always)
    static func find(_ p: ByteBuffer, _ byte: UInt8, _ start: Int, _ end: Int) -> Int? {
        var i = start
        #if _endian(little)
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
            while i &+ 8 <= end {
                let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
                let found = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                if found != 0 { return i &+ (found.trailingZeroBitCount &>> 3) }
                i &+= 8
            }
        }
        #endif
        while i < end {
            if p[i] == byte { return i }
            i &+= 1
        }
        return nil
    }

    /// `start` points at an opening `"`; returns the offset just past the closing quote, honouring
    /// quoted-pairs (`\` followed by any byte), or nil when the string is not terminated in range.
    @inline(__always)
    static func quotedStringEnd(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Int? {
        var i = start &+ 1
        while i < end {
            let b = p[i]
            if b == ASCII.backslash {
                i &+= 2
                continue
            }
            if b == ASCII.quote { return i &+ 1 }
            i &+= 1
        }
        return nil
    }

    /// Clamps a range to `0..<count` so convenience accessors never trap on a stale range.
    @inline(__always)
    static func clamp(_ r: Range<Int>, _ count: Int) -> Range<Int> {
        let lo = Swift.max(0, Swift.min(r.lowerBound, count))
        let hi = Swift.max(lo, Swift.min(r.upperBound, count))
        return lo ..< hi
    }
}
