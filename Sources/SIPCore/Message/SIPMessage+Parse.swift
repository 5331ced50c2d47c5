// parse(): start line, header boundaries and body (RFC 3261 §7, §18.3, §20.14). Header insides
// are left for the typed views; only Content-Length is read here because it places the body.

extension SIPMessage {
    /// Finds the start line, the header lines and the body. On a datagram without Content-Length
    /// the body is the rest of the datagram; with one, bytes past the body are ignored.
    public static func parse(_ bytes: [UInt8], limits: SIPParseLimits = .init()) throws(SIPParseError) -> SIPMessage {
        do throws(SIPParseError) {
            return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) -> SIPMessage in
                try parse(p, bytes, limits)
            }
        } catch {
            // Whether a reply can be formed is only worth working out once we know it failed.
            let replyable = BrokenRequestScanner.canReply(to: bytes)
            throw error.withCanReply(replyable)
        }
    }

    private static func parse(_ p: ByteBuffer, _ bytes: [UInt8], _ limits: SIPParseLimits) throws(SIPParseError) -> SIPMessage {
        let n = p.count
        let line = try StartLine.parse(p)
        if n > limits.maxMessageSize {
            throw SIPParseError(.messageTooLarge)
        }

        // A header line is at least 3 bytes ("a:\n"); most are 20-60. This estimate avoids regrowth
        // for ordinary messages without reserving much for large ones.
        var headers: [SIPHeaderField] = []
        headers.reserveCapacity(Swift.min(limits.maxHeaderCount, Swift.max(8, (n &- line.nextLine) / 24)))

        var pos = line.nextLine
        var contentLength = -1
        var cseqIndex = -1
        while let h = try HeaderLineScanner.next(p, &pos, n) {
            guard headers.count < limits.maxHeaderCount else { throw SIPParseError(.tooManyHeaders) }
            let name = HeaderName.recognize(p, h.nameStart, h.nameEnd &- h.nameStart)
            if name == .other && !HeaderLineScanner.isValidName(p, h.nameStart, h.nameEnd) {
                throw SIPParseError(.malformedHeaderLine)
            }
            let valueRange = h.valueStart ..< h.valueEnd
            if name == .contentLength {
                guard let value = Scan.decimal(p, valueRange, max: UInt64(Int32.max)) else {
                    throw SIPParseError(.invalidContentLength)
                }
                if contentLength >= 0 && contentLength != Int(value) {
                    throw SIPParseError(.conflictingContentLength)
                }
                contentLength = Int(value)
            } else if name == .cseq && cseqIndex < 0 {
                cseqIndex = headers.count
            }
            headers.append(SIPHeaderField(name: name, nameRange: h.nameStart ..< h.nameEnd, valueRange: valueRange))
        }
        let headerEnd = pos

        let bodyRange: Range<Int>
        if contentLength >= 0 {
            guard contentLength <= n &- headerEnd else { throw SIPParseError(.contentLengthBeyondMessage) }
            bodyRange = headerEnd ..< headerEnd &+ contentLength
        } else {
            bodyRange = headerEnd ..< n
        }

        var method = line.method
        var methodRange = line.methodRange
        if line.kind == .response && cseqIndex >= 0 {
            // Replies carry their method in CSeq; reading it here lets routing ask `methodIs`.
            let v = headers[cseqIndex].valueRange
            var i = v.lowerBound
            while i < v.upperBound && ByteClass.isDigit(p[i]) { i &+= 1 }
            i = Scan.skipLWS(p, i, v.upperBound)
            let e = Scan.skipToken(p, i, v.upperBound)
            if e > i {
                methodRange = i ..< e
                method = SIPMethod.recognize(p, methodRange)
            }
        }

        return SIPMessage(
            bytes: bytes, kind: line.kind, method: method, methodRange: methodRange,
            requestURIRange: line.uriRange, versionRange: line.versionRange, statusCode: line.statusCode,
            reasonRange: line.reasonRange, headers: headers, headerSectionEnd: headerEnd,
            bodyRange: bodyRange, messageStart: line.start, parsedContentLength: contentLength)
    }
}

/// The first line of a message: `Method SP Request-URI SP Version` or `Version SP Code SP Reason`.
/// The request line is split on the first two spaces only; `validate()` is where stray spaces
/// (RFC 4475 lwsstart, trws, lwsruri) become a 400.
struct StartLine {
    var kind: MessageKind = .request
    var method: SIPMethod = .other
    var methodRange: Range<Int> = 0 ..< 0
    var uriRange: Range<Int> = 0 ..< 0
    var versionRange: Range<Int> = 0 ..< 0
    var statusCode = 0
    var reasonRange: Range<Int> = 0 ..< 0
    var start = 0
    var nextLine = 0

    @inline(__always)
    static func parse(_ p: ByteBuffer) throws(SIPParseError) -> StartLine {
        let n = p.count
        var line = StartLine()
        var i = 0
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while i < n && (p[i] == ASCII.cr || p[i] == ASCII.lf) { i &+= 1 }
        guard i < n else { throw SIPParseError(.emptyMessage) }
        let start = i
        while i < n && p[i] != ASCII.lf { i &+= 1 }
        guard i < n else { throw SIPParseError(.headerSectionNotTerminated) }
        line.nextLine = i &+ 1
        let end = (i > start && p[i &- 1] == ASCII.cr) ? i &- 1 : i
        line.start = start

        if Scan.hasPrefixLowercase(p, start, end, "sip/") {
            line.kind = .response
            var j = start
            while j < end && p[j] != ASCII.space { j &+= 1 }
            line.versionRange = start ..< j
            // Status-Code = 3DIGIT, then SP Reason-Phrase (possibly empty, RFC 4475 noreason).
            let codeStart = j &+ 1
            guard j < end, codeStart &+ 3 <= end,
                let code = Scan.decimal(p, codeStart ..< codeStart &+ 3, max: 999)
            else { throw SIPParseError(.malformedStatusLine) }
            let afterCode = codeStart &+ 3
            if afterCode == end {
                line.reasonRange = end ..< end
            } else {
                guard p[afterCode] == ASCII.space else { throw SIPParseError(.malformedStatusLine) }
                line.reasonRange = afterCode &+ 1 ..< end
            }
            line.statusCode = Int(code)
            line.methodRange = start ..< start
            line.uriRange = start ..< start
            return line
        }
        if Scan.hasPrefix(p, start, end, "HTTP/") {
            // An HTTP response is nothing a server receives.
            throw SIPParseError(.malformedStartLine)
        }

        var j = start
        while j < end && p[j] != ASCII.space { j &+= 1 }
        guard j < end, j > start else { throw SIPParseError(.malformedRequestLine) }
        line.methodRange = start ..< j
        let uriStart = j &+ 1
        var k = uriStart
        while k < end && p[k] != ASCII.space { k &+= 1 }
        guard k < end else { throw SIPParseError(.malformedRequestLine) }
        line.uriRange = uriStart ..< k
        line.versionRange = k &+ 1 ..< end
        if Scan.hasPrefix(p, k &+ 1, end, "HTTP/") {
            line.kind = .httpRequest
            line.method = .other
        } else {
            line.kind = .request
            line.method = SIPMethod.recognize(p, line.methodRange)
        }
        line.reasonRange = end ..< end
        return line
    }
}
