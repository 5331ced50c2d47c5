// Typed views of the message's headers, parsed on first access and cached in the message.
// A malformed header throws SIPParseError naming it (e.g. "Malformed From header").

extension SIPMessage {
    public func topVia() throws(SIPParseError) -> ViaHeader {
        if let cachedTopVia { return cachedTopVia }
        guard let field = firstHeader(.via) else { throw SIPParseError(.missingHeader(.via)) }
        let via = try bytes.withUnsafeBufferPointer { p throws(SIPParseError) -> ViaHeader in
            try ViaHeader.parseElement(p, field.valueRange).0
        }
        cachedTopVia = via
        return via
    }

    /// Every Via value of every Via line, in order (comma-separated values split).
    public func vias() throws(SIPParseError) -> [ViaHeader] {
        if let cachedVias { return cachedVias }
        var out: [ViaHeader] = []
        try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            for field in headers where field.name == .via {
                var start = field.valueRange.lowerBound
                let end = field.valueRange.upperBound
                while true {
                    let (via, stop) = try ViaHeader.parseElement(p, start ..< end)
                    out.append(via)
                    if stop >= end { break }
                    start = stop &+ 1   // past the comma; an empty value after it fails to parse
                }
            }
        }
        guard !out.isEmpty else { throw SIPParseError(.missingHeader(.via)) }
        cachedVias = out
        return out
    }

    public func from() throws(SIPParseError) -> NameAddr {
        if let cachedFrom { return cachedFrom }
        let value = try nameAddr(.from)
        cachedFrom = value
        return value
    }

    public func to() throws(SIPParseError) -> NameAddr {
        if let cachedTo { return cachedTo }
        let value = try nameAddr(.to)
        cachedTo = value
        return value
    }

    private func nameAddr(_ name: HeaderName) throws(SIPParseError) -> NameAddr {
        guard let field = firstHeader(name) else { throw SIPParseError(.missingHeader(name)) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            try NameAddr.parse(p, field.valueRange, header: name)
        }
    }

    public func cseq() throws(SIPParseError) -> CSeqHeader {
        if let cachedCSeq { return cachedCSeq }
        guard let field = firstHeader(.cseq) else { throw SIPParseError(.missingHeader(.cseq)) }
        let value = try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in try CSeqHeader.parse(p, field.valueRange) }
        cachedCSeq = value
        return value
    }

    /// The Call-ID value (`word ["@" word]`: no white space inside).
    public func callIDRange() throws(SIPParseError) -> Range<Int> {
        if let cachedCallID { return cachedCallID }
        guard let field = firstHeader(.callID) else { throw SIPParseError(.missingHeader(.callID)) }
        let r = field.valueRange
        guard !r.isEmpty else { throw SIPParseError(.malformedHeader(.callID)) }
        let clean = bytes.withUnsafeBufferPointer { p -> Bool in
            var i = r.lowerBound
            while i < r.upperBound {
                let b = p[i]
                if b <= ASCII.space || b == 0x7F { return false }
                i &+= 1
            }
            return true
        }
        guard clean else { throw SIPParseError(.malformedHeader(.callID)) }
        cachedCallID = r
        return r
    }

    /// The Request-URI of a SIP request (for HTTP requests the target is not a URI: this throws).
    public func requestURI() throws(SIPParseError) -> SIPURI {
        if let cachedRequestURI { return cachedRequestURI }
        guard kind == .request else { throw SIPParseError(.malformedRequestURI) }
        let r = requestURIRange
        let uri: SIPURI
        do throws(SIPParseError) {
            uri = try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in try SIPURI.parse(p, r) }
        } catch {
            throw SIPParseError(.malformedRequestURI)
        }
        cachedRequestURI = uri
        return uri
    }

    /// Max-Forwards (RFC 3261 §20.22), nil when absent.
    public func maxForwards() throws(SIPParseError) -> Int? {
        guard let field = firstHeader(.maxForwards) else { return nil }
        let value = bytes.withUnsafeBufferPointer { p in Scan.decimal(p, field.valueRange, max: UInt64(Int32.max)) }
        guard let value else { throw SIPParseError(.malformedHeader(.maxForwards)) }
        return Int(value)
    }

    /// Content-Length as read by parse(); nil when the message has none.
    public func contentLength() throws(SIPParseError) -> Int? {
        parsedContentLength >= 0 ? parsedContentLength : nil
    }

    /// All Contact values of all Contact lines, or `.star`. Empty list when there is no Contact.
    public func contacts() throws(SIPParseError) -> ContactList {
        if let cachedContacts { return cachedContacts }
        var list: [NameAddr] = []
        var star = false
        try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            for field in headers where field.name == .contact {
                let r = field.valueRange
                if r.count == 1 && p[r.lowerBound] == ASCII.star {
                    star = true
                    continue
                }
                try HeaderValueSplitter.forEachElement(p, r) { (element) throws(SIPParseError) in
                    guard !element.isEmpty else { throw SIPParseError(.malformedHeader(.contact)) }
                    list.append(try NameAddr.parse(p, element, header: .contact))
                }
            }
        }
        // RFC 3261 §10.2.2: "*" stands alone.
        if star && !list.isEmpty { throw SIPParseError(.malformedHeader(.contact)) }
        let result: ContactList = star ? .star : .contacts(list)
        cachedContacts = result
        return result
    }

    /// Every name-addr value of every line of a list header (Route, Record-Route, Path, …).
    public func nameAddrs(_ name: HeaderName) throws(SIPParseError) -> [NameAddr] {
        var list: [NameAddr] = []
        try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            for field in headers where field.name == name {
                try HeaderValueSplitter.forEachElement(p, field.valueRange) { (element) throws(SIPParseError) in
                    guard !element.isEmpty else { throw SIPParseError(.malformedHeader(name)) }
                    list.append(try NameAddr.parse(p, element, header: name))
                }
            }
        }
        return list
    }

    /// The comma-separated values of every line of a list header (Allow, Supported, Require …),
    /// trimmed; empty elements are skipped.
    public func listValues(_ name: HeaderName) -> [Range<Int>] {
        var out: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { p in
            for field in headers where field.name == name {
                HeaderValueSplitter.forEachElement(p, field.valueRange) { element in
                    if !element.isEmpty { out.append(element) }
                }
            }
        }
        return out
    }

    /// Credentials of the first Authorization (or Proxy-Authorization) line, if any.
    public func credentials(_ name: HeaderName = .authorization) throws(SIPParseError) -> DigestCredentials? {
        // Name and value kept apart: binding a cached (name, value) tuple copied it whole.
        if cachedCredentialsName == name { return cachedCredentials }
        guard let field = firstHeader(name) else { return nil }
        let value = try DigestCredentials.parse(bytes, field.valueRange, header: name)
        cachedCredentialsName = name
        cachedCredentials = value
        return value
    }
}
