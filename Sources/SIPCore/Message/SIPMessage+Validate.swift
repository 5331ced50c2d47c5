// validate(): the checks that decide between processing a message and answering it with an
// error (RFC 3261 §8.2, §16.3, §20; RFC 4475 invalid and semantic-reject cases). The typed
// views it parses stay cached, so routing pays for them once.

extension SIPMessage {
    /// Throws the first problem found. `canReply` is false for responses and for requests whose
    /// top Via cannot be used.
    public func validate() throws(SIPParseError) {
        do throws(SIPParseError) {
            switch kind {
            case .request: try validateRequest()
            case .response: try validateResponse()
            case .httpRequest: try validateHTTPRequest()
            }
        } catch {
            throw error.withCanReply(canFormReply)
        }
    }

    private var canFormReply: Bool {
        switch kind {
        case .response: return false
        case .httpRequest: return true
        case .request: return (try? topVia()) != nil
        }
    }

    private func validateRequest() throws(SIPParseError) {
        try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            try checkSIPVersion(p, malformed: .malformedRequestLine)
            try checkMethodToken(p)
        }
        guard !requestURIRange.isEmpty else { throw SIPParseError(.malformedRequestLine) }
        try checkSingleValuedHeaders()

        let uri = try requestURI()
        if uri.scheme == .other { throw SIPParseError(.unsupportedURIScheme) }
        if uri.headers != nil { throw SIPParseError(.requestURIHeaders) }

        _ = try topVia()
        _ = try from()
        _ = try to()
        _ = try callIDRange()
        let cseq = try cseq()
        let matches: Bool
        if method == .other || cseq.method == .other {
            matches = bytes[methodRange].elementsEqual(bytes[cseq.methodRange])
        } else {
            matches = method == cseq.method
        }
        guard matches else { throw SIPParseError(.cseqMethodMismatch) }
        _ = try maxForwards()
        if firstHeader(.contact) != nil { _ = try contacts() }
        if let date = firstHeader(.date) {
            let ok = bytes.withUnsafeBufferPointer { p in SIPDate.isValid(p, date.valueRange) }
            guard ok else { throw SIPParseError(.malformedHeader(.date)) }
        }
    }

    private func validateResponse() throws(SIPParseError) {
        try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            try checkSIPVersion(p, malformed: .malformedStatusLine)
        }
        guard (100 ... 699).contains(statusCode) else { throw SIPParseError(.invalidStatusCode) }
        try checkSingleValuedHeaders()
        _ = try topVia()
        _ = try cseq()
        _ = try callIDRange()
        _ = try from()
        _ = try to()
    }

    private func validateHTTPRequest() throws(SIPParseError) {
        try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            let v = versionRange
            if !(Scan.equals(p, v, "HTTP/1.1") || Scan.equals(p, v, "HTTP/1.0")) {
                throw SIPParseError(
                    isVersionToken(p, v, prefix: "HTTP/") ? .httpVersionNotSupported : .malformedRequestLine)
            }
            try checkMethodToken(p)
        }
        guard !requestURIRange.isEmpty else { throw SIPParseError(.malformedRequestLine) }
    }

    /// SIP-Version is case-insensitive (RFC 3261 §7.1). A well-formed other version is 505;
    /// anything else (stray spaces, junk) is a malformed start line.
    private func checkSIPVersion(_ p: ByteBuffer, malformed: SIPParseErrorKind) throws(SIPParseError) {
        if Scan.equalsLowercase(p, versionRange, "sip/2.0") { return }
        throw SIPParseError(isVersionToken(p, versionRange, prefix: "sip/") ? .versionNotSupported : malformed)
    }

    /// `prefix 1*DIGIT "." 1*DIGIT`
    private func isVersionToken(_ p: ByteBuffer, _ r: Range<Int>, prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard r.count > n + 2 else { return false }
        let isLowerPrefix = Scan.hasPrefixLowercase(p, r.lowerBound, r.upperBound, prefix)
        let isExactPrefix = Scan.hasPrefix(p, r.lowerBound, r.upperBound, prefix)
        guard isLowerPrefix || isExactPrefix else { return false }
        var i = r.lowerBound + n
        let majorStart = i
        while i < r.upperBound && ByteClass.isDigit(p[i]) { i += 1 }
        guard i > majorStart, i < r.upperBound, p[i] == ASCII.dot else { return false }
        i += 1
        let minorStart = i
        while i < r.upperBound && ByteClass.isDigit(p[i]) { i += 1 }
        return i > minorStart && i == r.upperBound
    }

    private func checkMethodToken(_ p: ByteBuffer) throws(SIPParseError) {
        var i = methodRange.lowerBound
        guard i < methodRange.upperBound else { throw SIPParseError(.invalidMethod) }
        while i < methodRange.upperBound {
            guard ByteClass.isToken(p[i]) else { throw SIPParseError(.invalidMethod) }
            i += 1
        }
    }

    /// Call-ID, From, To, CSeq, Max-Forwards and Content-Length may appear once (RFC 4475 multi01, mcl01).
    private func checkSingleValuedHeaders() throws(SIPParseError) {
        var seen: UInt8 = 0
        for field in headers {
            let bit: UInt8
            switch field.name {
            case .callID: bit = 1
            case .from: bit = 2
            case .to: bit = 4
            case .cseq: bit = 8
            case .maxForwards: bit = 16
            case .contentLength: bit = 32
            default: continue
            }
            if seen & bit != 0 { throw SIPParseError(.duplicateHeader(field.name)) }
            seen |= bit
        }
    }
}

/// rfc1123-date with the mandatory "GMT" (RFC 3261 §20.17; RFC 4475 baddate):
/// `Sat, 15 Oct 2005 04:44:56 GMT`.
enum SIPDate {
    static func isValid(_ p: ByteBuffer, _ r: Range<Int>) -> Bool {
        guard r.count == 29 else { return false }
        let s = r.lowerBound
        func digits(_ at: Int, _ count: Int) -> Bool {
            (at ..< at + count).allSatisfy { ByteClass.isDigit(p[$0]) }
        }
        func oneOf(_ at: Int, _ names: [StaticString]) -> Bool {
            names.contains { Scan.equals(p, at ..< at + 3, $0) }
        }
        let days: [StaticString] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return oneOf(s, days) && p[s + 3] == ASCII.comma && p[s + 4] == ASCII.space
            && digits(s + 5, 2) && p[s + 7] == ASCII.space
            && oneOf(s + 8, months) && p[s + 11] == ASCII.space
            && digits(s + 12, 4) && p[s + 16] == ASCII.space
            && digits(s + 17, 2) && p[s + 19] == ASCII.colon && digits(s + 20, 2) && p[s + 22] == ASCII.colon
            && digits(s + 23, 2) && p[s + 25] == ASCII.space
            && Scan.equals(p, s + 26 ..< s + 29, "GMT")
    }
}
