// A received SIP request/response or HTTP request head: the bytes as received, the start line
// and header boundaries found by `parse`, and typed views parsed on first access and cached
// inline (no boxing), so a message costs two allocations: this object and its header array.
//
// Not Sendable: the view caches fill in on access. One worker owns a message at a time.

public final class SIPMessage {
    /// The message as received (a datagram may carry trailing bytes past the body; they are ignored).
    public let bytes: [UInt8]
    public let kind: MessageKind
    public var isRequest: Bool { kind != .response }

    /// Request method. For responses: the CSeq method when it could be read, else `.other`.
    public let method: SIPMethod
    /// Request: the method token of the request line. Response: the CSeq method, if found.
    public let methodRange: Range<Int>
    /// Request-URI (HTTP: request-target). Empty for responses.
    public let requestURIRange: Range<Int>
    /// "SIP/2.0" / "HTTP/1.1" as written (request: after the URI; response: first token).
    public let versionRange: Range<Int>
    /// Status code of a response; 0 for requests.
    public let statusCode: Int
    /// Reason phrase of a response (may be empty); empty for requests.
    public let reasonRange: Range<Int>
    /// Header lines in order; a comma-joined line is one field (see `vias()`, `contacts()`).
    /// A constant, so reading it (every `firstHeader`) borrows the array instead of retaining it.
    public let headers: [SIPHeaderField]
    /// Offset just past the empty line ending the header section.
    public let headerSectionEnd: Int
    public let bodyRange: Range<Int>
    /// Offset of the start line (leading CR LF keep-alives before it are skipped).
    public let messageStart: Int

    /// Content-Length value read while indexing headers, -1 when absent.
    let parsedContentLength: Int

    // Typed views, parsed on first access. A message belongs to one worker at a time and these
    // are never accessed through inout, so dynamic exclusivity checks would only cost time.
    @exclusivity(unchecked) var cachedTopVia: ViaHeader?
    @exclusivity(unchecked) var cachedFrom: NameAddr?
    @exclusivity(unchecked) var cachedTo: NameAddr?
    @exclusivity(unchecked) var cachedCSeq: CSeqHeader?
    @exclusivity(unchecked) var cachedCallID: Range<Int>?
    @exclusivity(unchecked) var cachedRequestURI: SIPURI?
    @exclusivity(unchecked) var cachedVias: [ViaHeader]?
    @exclusivity(unchecked) var cachedContacts: ContactList?
    /// The first Authorization or Proxy-Authorization parsed ($au and the auth functions read
    /// the same header several times per request).
    @exclusivity(unchecked) var cachedCredentialsName: HeaderName?
    @exclusivity(unchecked) var cachedCredentials: DigestCredentials?

    init(
        bytes: [UInt8], kind: MessageKind, method: SIPMethod, methodRange: Range<Int>,
        requestURIRange: Range<Int>, versionRange: Range<Int>, statusCode: Int, reasonRange: Range<Int>,
        headers: [SIPHeaderField], headerSectionEnd: Int, bodyRange: Range<Int>, messageStart: Int,
        parsedContentLength: Int
    ) {
        self.bytes = bytes
        self.kind = kind
        self.method = method
        self.methodRange = methodRange
        self.requestURIRange = requestURIRange
        self.versionRange = versionRange
        self.statusCode = statusCode
        self.reasonRange = reasonRange
        self.headers = headers
        self.headerSectionEnd = headerSectionEnd
        self.bodyRange = bodyRange
        self.messageStart = messageStart
        self.parsedContentLength = parsedContentLength
    }

    /// UTF-8 decoding of a byte range (a convenience for logs, scripts and tests, not the hot path).
    public func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[Scan.clamp(range, bytes.count)], as: UTF8.self)
    }

    /// The bytes of a range, clamped to the message.
    public func slice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[Scan.clamp(range, bytes.count)]
    }

    public var body: ArraySlice<UInt8> { bytes[bodyRange] }

    public func firstHeader(_ name: HeaderName) -> SIPHeaderField? {
        headers.withUnsafeBufferPointer { fields in
            for field in fields where field.name == name { return field }
            return nil
        }
    }

    public func headers(_ name: HeaderName) -> [SIPHeaderField] {
        headers.filter { $0.name == name }
    }

    /// Header fields whose name matches `raw` case-insensitively; compact forms are honoured for
    /// known names ("v" finds every Via line, "Via" finds "v" lines).
    public func headers(named raw: String) -> [SIPHeaderField] {
        let wanted = Array(raw.utf8)
        let known = HeaderName(name: raw)
        if known != .other {
            return headers(known)
        }
        return bytes.withUnsafeBufferPointer { p in
            wanted.withUnsafeBufferPointer { w in
                headers.filter { field in
                    field.name == .other
                        && Scan.equalsIgnoringCase(p, field.nameRange, w, 0 ..< w.count)
                }
            }
        }
    }

    /// True when this request's method is `m`. For responses the CSeq method is compared.
    /// `.other` matches any extension method; use `methodIs(raw:)` to tell those apart.
    public func methodIs(_ m: SIPMethod) -> Bool {
        method == m
    }

    /// Case-sensitive comparison of the method token with `raw` (works for extension methods).
    public func methodIs(raw: String) -> Bool {
        let wanted = Array(raw.utf8)
        guard wanted.count == methodRange.count else { return false }
        return bytes[methodRange].elementsEqual(wanted)
    }
}
