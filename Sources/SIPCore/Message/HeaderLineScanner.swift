// Splits a header section into header lines (RFC 3261 §7.3.1): `name WSP* ":" value`, where a
// line starting with SP/HT continues the previous value (folding) and lone LF ends a line like
// CR LF. Shared by the message parser and the stream framer so both agree on every boundary.

struct RawHeaderLine {
    var nameStart: Int
    var nameEnd: Int
    var valueStart: Int
    var valueEnd: Int
}

enum HeaderLineScanner {
    /// Reads the header line starting at `pos`. Returns nil at the empty line that ends the header
    /// section, with `pos` moved past it; otherwise `pos` moves to the next line.
    @inline(__always)
    static func next(_ p: ByteBuffer, _ pos: inout Int, _ end: Int) throws(SIPParseError) -> RawHeaderLine? {
        var i = pos
        guard i < end else { throw SIPParseError(.headerSectionNotTerminated) }
        let first = p[i]
        if first == ASCII.lf {
            pos = i &+ 1
            return nil
        }
        if first == ASCII.cr {
            guard i &+ 1 < end else { throw SIPParseError(.headerSectionNotTerminated) }
            guard p[i &+ 1] == ASCII.lf else { throw SIPParseError(.malformedHeaderLine) }
            pos = i &+ 2
            return nil
        }
        // The name runs to the colon (found a word at a time), less white space before it. Its
        // bytes are checked by the caller: a known name matched a literal, anything else must be
        // all token characters (`isValidName`).
        let nameStart = i
        i = Scan.findColon(p, i, end)
        guard i < end else {
            let lineEnds = Scan.findLF(p, nameStart, end) < end
            throw SIPParseError(lineEnds ? .malformedHeaderLine : .headerSectionNotTerminated)
        }
        var nameEnd = i
        while nameEnd > nameStart && ByteClass.isWSP(p[nameEnd &- 1]) { nameEnd &-= 1 }
        guard nameEnd > nameStart else { throw SIPParseError(.malformedHeaderLine) }
        i &+= 1
        // Leading white space of the value, including a fold straight after the colon.
        while i < end {
            let b = p[i]
            if b == ASCII.space || b == ASCII.tab {
                i &+= 1
            } else if b == ASCII.cr && i &+ 2 < end && p[i &+ 1] == ASCII.lf && ByteClass.isWSP(p[i &+ 2]) {
                i &+= 3
            } else if b == ASCII.lf && i &+ 1 < end && ByteClass.isWSP(p[i &+ 1]) {
                i &+= 2
            } else {
                break
            }
        }
        let valueStart = i
        while true {
            i = Scan.findLF(p, i, end)
            // A header line must be followed by another line or the empty line: reaching the end
            // here means the section was cut short.
            guard i &+ 1 < end else { throw SIPParseError(.headerSectionNotTerminated) }
            if ByteClass.isWSP(p[i &+ 1]) {
                i &+= 2
                continue
            }
            break
        }
        pos = i &+ 1
        return RawHeaderLine(
            nameStart: nameStart, nameEnd: nameEnd,
            valueStart: valueStart, valueEnd: Scan.trimTrailingLWS(p, valueStart, i))
    }

    /// True when every byte of a header name is a token character.
    @inline(__always)
    static func isValidName(_ p: ByteBuffer, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            if !ByteClass.isToken(p[i]) { return false }
            i &+= 1
        }
        return true
    }

    /// Offset just past the empty line ending the header section that starts at `start`, or nil
    /// when the buffer does not hold it yet. Scans for LF followed by CR LF or LF.
    @inline(__always)
    static func headerSectionEnd(_ p: ByteBuffer, from start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end {
            if p[i] == ASCII.lf {
                let j = i &+ 1
                if j < end {
                    if p[j] == ASCII.lf { return j &+ 1 }
                    if p[j] == ASCII.cr && j &+ 1 < end && p[j &+ 1] == ASCII.lf { return j &+ 2 }
                }
            }
            i &+= 1
        }
        return nil
    }
}
