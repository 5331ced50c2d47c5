// A lenient second look at a message that failed to parse or validate: enough to tell whether
// a reply can be formed and to copy the header lines a reply needs (RFC 3261 §8.2.6.2: Via,
// From, To, Call-ID, CSeq). It never throws; whatever it cannot read is left out.

enum BrokenRequestScanner {
    struct Lines {
        var isHTTP = false
        var vias: [Range<Int>] = []
        var from: Range<Int>?
        var to: Range<Int>?
        var callID: Range<Int>?
        var cseq: Range<Int>?
        var timestamp: Range<Int>?
    }

    /// The reply-relevant header values of a request, or nil when the first line is not a request.
    static func scan(_ p: ByteBuffer) -> Lines? {
        let n = p.count
        var i = 0
        while i < n && (p[i] == ASCII.cr || p[i] == ASCII.lf) { i &+= 1 }
        let start = i
        while i < n && p[i] != ASCII.lf { i &+= 1 }
        guard i < n else { return nil }
        let lineEnd = i
        guard !Scan.hasPrefixLowercase(p, start, lineEnd, "sip/"), !Scan.hasPrefix(p, start, lineEnd, "HTTP/"),
            let space = Scan.find(p, ASCII.space, start, lineEnd), space > start
        else { return nil }
        var lines = Lines()
        // An HTTP request line ends with its version.
        var versionStart = lineEnd
        while versionStart > space && p[versionStart &- 1] != ASCII.space { versionStart &-= 1 }
        lines.isHTTP = Scan.hasPrefix(p, versionStart, lineEnd, "HTTP/")

        i = lineEnd &+ 1
        var current: HeaderName? = nil
        var currentIndex = -1
        while i < n {
            var e = i
            while e < n && p[e] != ASCII.lf { e &+= 1 }
            let contentEnd = (e > i && p[e &- 1] == ASCII.cr) ? e &- 1 : e
            if contentEnd == i { break }   // empty line: end of headers
            if ByteClass.isWSP(p[i]) {
                // A fold continues the previous value.
                if let name = current { extend(&lines, name, currentIndex, to: Scan.trimTrailingLWS(p, i, contentEnd)) }
            } else {
                current = nil
                let nameEnd = Scan.skipToken(p, i, contentEnd)
                let colon = Scan.skipLWS(p, nameEnd, contentEnd)
                if nameEnd > i, colon < contentEnd, p[colon] == ASCII.colon {
                    let value = Scan.trimmed(p, colon &+ 1 ..< contentEnd)
                    let name = HeaderName.recognize(p, i, nameEnd &- i)
                    switch name {
                    case .via:
                        lines.vias.append(value)
                        current = .via
                        currentIndex = lines.vias.count &- 1
                    case .from where lines.from == nil: lines.from = value; current = .from
                    case .to where lines.to == nil: lines.to = value; current = .to
                    case .callID where lines.callID == nil: lines.callID = value; current = .callID
                    case .cseq where lines.cseq == nil: lines.cseq = value; current = .cseq
                    case .timestamp where lines.timestamp == nil: lines.timestamp = value; current = .timestamp
                    default: break
                    }
                }
            }
            i = e &+ 1
        }
        return lines
    }

    private static func extend(_ lines: inout Lines, _ name: HeaderName, _ index: Int, to end: Int) {
        func grow(_ r: Range<Int>?) -> Range<Int>? {
            guard let r else { return nil }
            return r.lowerBound ..< Swift.max(r.upperBound, end)
        }
        switch name {
        case .via:
            if index >= 0 && index < lines.vias.count, let r = grow(lines.vias[index]) { lines.vias[index] = r }
        case .from: lines.from = grow(lines.from)
        case .to: lines.to = grow(lines.to)
        case .callID: lines.callID = grow(lines.callID)
        case .cseq: lines.cseq = grow(lines.cseq)
        case .timestamp: lines.timestamp = grow(lines.timestamp)
        default: break
        }
    }

    /// The top Via of the request, if one parses.
    static func topVia(_ p: ByteBuffer, _ lines: Lines) -> ViaHeader? {
        guard let first = lines.vias.first else { return nil }
        let end = HeaderValueSplitter.elementEnd(p, first.lowerBound, first.upperBound)
        return try? ViaHeader.parse(p, first.lowerBound ..< end)
    }

    /// True for an HTTP request line, or a SIP request whose top Via parses.
    static func canReply(to bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { p in
            guard let lines = scan(p) else { return false }
            if lines.isHTTP { return true }
            return topVia(p, lines) != nil
        }
    }
}
