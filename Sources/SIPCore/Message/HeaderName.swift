// The header names SIPCore recognises (RFC 3261 §20, common extensions, the HTTP/1.1 heads
// WebSocket and xhttp need) and their compact forms. Recognition is written as plain switches:
// a length test, a first-byte test and one short comparison, no hashing and no Strings.

public enum HeaderName: UInt8, Sendable, CaseIterable {
    case via
    case from
    case to
    case callID
    case cseq
    case contact
    case contentLength
    case contentType
    case maxForwards
    case route
    case recordRoute
    case expires
    case allow
    case supported
    case require
    case proxyRequire
    case authorization
    case proxyAuthorization
    case wwwAuthenticate
    case proxyAuthenticate
    case userAgent
    case server
    case event
    case subject
    case accept
    case path
    case minExpires
    case date
    case allowEvents
    case referTo
    case referredBy
    case sessionExpires
    case identity
    case contentEncoding
    case acceptContact
    case rejectContact
    case requestDisposition
    case identityInfo
    case unsupported
    case contentDisposition
    case contentLanguage
    case acceptEncoding
    case acceptLanguage
    case alertInfo
    case callInfo
    case errorInfo
    case inReplyTo
    case mimeVersion
    case organization
    case priority
    case replyTo
    case retryAfter
    case timestamp
    case warning
    case authenticationInfo
    case rseq
    case rack
    case privacy
    case pAssertedIdentity
    case pPreferredIdentity
    case reason
    case replaces
    case minSE
    case serviceRoute
    case sipETag
    case sipIfMatch
    case subscriptionState
    case diversion
    case remotePartyID
    case host
    case connection
    case upgrade
    case transferEncoding
    case secWebSocketKey
    case secWebSocketProtocol
    case secWebSocketVersion
    case origin
    case cookie
    /// Any header not listed above; compare its name bytes.
    case other

    /// The name as Tern writes it.
    public var canonicalName: String {
        switch self {
        case .via: return "Via"
        case .from: return "From"
        case .to: return "To"
        case .callID: return "Call-ID"
        case .cseq: return "CSeq"
        case .contact: return "Contact"
        case .contentLength: return "Content-Length"
        case .contentType: return "Content-Type"
        case .maxForwards: return "Max-Forwards"
        case .route: return "Route"
        case .recordRoute: return "Record-Route"
        case .expires: return "Expires"
        case .allow: return "Allow"
        case .supported: return "Supported"
        case .require: return "Require"
        case .proxyRequire: return "Proxy-Require"
        case .authorization: return "Authorization"
        case .proxyAuthorization: return "Proxy-Authorization"
        case .wwwAuthenticate: return "WWW-Authenticate"
        case .proxyAuthenticate: return "Proxy-Authenticate"
        case .userAgent: return "User-Agent"
        case .server: return "Server"
        case .event: return "Event"
        case .subject: return "Subject"
        case .accept: return "Accept"
        case .path: return "Path"
        case .minExpires: return "Min-Expires"
        case .date: return "Date"
        case .allowEvents: return "Allow-Events"
        case .referTo: return "Refer-To"
        case .referredBy: return "Referred-By"
        case .sessionExpires: return "Session-Expires"
        case .identity: return "Identity"
        case .contentEncoding: return "Content-Encoding"
        case .acceptContact: return "Accept-Contact"
        case .rejectContact: return "Reject-Contact"
        case .requestDisposition: return "Request-Disposition"
        case .identityInfo: return "Identity-Info"
        case .unsupported: return "Unsupported"
        case .contentDisposition: return "Content-Disposition"
        case .contentLanguage: return "Content-Language"
        case .acceptEncoding: return "Accept-Encoding"
        case .acceptLanguage: return "Accept-Language"
        case .alertInfo: return "Alert-Info"
        case .callInfo: return "Call-Info"
        case .errorInfo: return "Error-Info"
        case .inReplyTo: return "In-Reply-To"
        case .mimeVersion: return "MIME-Version"
        case .organization: return "Organization"
        case .priority: return "Priority"
        case .replyTo: return "Reply-To"
        case .retryAfter: return "Retry-After"
        case .timestamp: return "Timestamp"
        case .warning: return "Warning"
        case .authenticationInfo: return "Authentication-Info"
        case .rseq: return "RSeq"
        case .rack: return "RAck"
        case .privacy: return "Privacy"
        case .pAssertedIdentity: return "P-Asserted-Identity"
        case .pPreferredIdentity: return "P-Preferred-Identity"
        case .reason: return "Reason"
        case .replaces: return "Replaces"
        case .minSE: return "Min-SE"
        case .serviceRoute: return "Service-Route"
        case .sipETag: return "SIP-ETag"
        case .sipIfMatch: return "SIP-If-Match"
        case .subscriptionState: return "Subscription-State"
        case .diversion: return "Diversion"
        case .remotePartyID: return "Remote-Party-ID"
        case .host: return "Host"
        case .connection: return "Connection"
        case .upgrade: return "Upgrade"
        case .transferEncoding: return "Transfer-Encoding"
        case .secWebSocketKey: return "Sec-WebSocket-Key"
        case .secWebSocketProtocol: return "Sec-WebSocket-Protocol"
        case .secWebSocketVersion: return "Sec-WebSocket-Version"
        case .origin: return "Origin"
        case .cookie: return "Cookie"
        case .other: return "Other"
        }
    }

    /// The compact form (RFC 3261 §7.3.3 and extensions), if the header has one.
    public var compactForm: Character? {
        switch self {
        case .via: return "v"
        case .from: return "f"
        case .to: return "t"
        case .callID: return "i"
        case .contact: return "m"
        case .contentLength: return "l"
        case .contentType: return "c"
        case .supported: return "k"
        case .event: return "o"
        case .subject: return "s"
        case .allowEvents: return "u"
        case .referTo: return "r"
        case .referredBy: return "b"
        case .sessionExpires: return "x"
        case .identity: return "y"
        case .contentEncoding: return "e"
        case .acceptContact: return "a"
        case .rejectContact: return "j"
        case .requestDisposition: return "d"
        case .identityInfo: return "n"
        default: return nil
        }
    }

    /// Recognises a header name given as text (case-insensitive, compact forms honoured).
    public init(name: String) {
        let utf8 = Array(name.utf8)
        self = utf8.withUnsafeBufferPointer { HeaderName.recognize($0, 0, $0.count) }
    }

    static func recognize(_ p: ByteBuffer, _ start: Int, _ count: Int) -> HeaderName {
        guard count > 0 else { return .other }
        switch count {
        case 1:
            switch ByteClass.lower(p[start]) {
            case 0x61: return .acceptContact // a
            case 0x62: return .referredBy // b
            case 0x63: return .contentType // c
            case 0x64: return .requestDisposition // d
            case 0x65: return .contentEncoding // e
            case 0x66: return .from // f
            case 0x69: return .callID // i
            case 0x6a: return .rejectContact // j
            case 0x6b: return .supported // k
            case 0x6c: return .contentLength // l
            case 0x6d: return .contact // m
            case 0x6e: return .identityInfo // n
            case 0x6f: return .event // o
            case 0x72: return .referTo // r
            case 0x73: return .subject // s
            case 0x74: return .to // t
            case 0x75: return .allowEvents // u
            case 0x76: return .via // v
            case 0x78: return .sessionExpires // x
            case 0x79: return .identity // y
            default: return .other
            }
        case 2:
            switch ByteClass.lower(p[start]) {
            case 0x74:
                if Scan.equalsNameLowercase(p, start, "to") { return .to }
                return .other
            default: return .other
            }
        case 3:
            switch ByteClass.lower(p[start]) {
            case 0x76:
                if Scan.equalsNameLowercase(p, start, "via") { return .via }
                return .other
            default: return .other
            }
        case 4:
            switch ByteClass.lower(p[start]) {
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "cseq") { return .cseq }
                return .other
            case 0x64:
                if Scan.equalsNameLowercase(p, start, "date") { return .date }
                return .other
            case 0x66:
                if Scan.equalsNameLowercase(p, start, "from") { return .from }
                return .other
            case 0x68:
                if Scan.equalsNameLowercase(p, start, "host") { return .host }
                return .other
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "path") { return .path }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "rseq") { return .rseq }
                if Scan.equalsNameLowercase(p, start, "rack") { return .rack }
                return .other
            default: return .other
            }
        case 5:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "allow") { return .allow }
                return .other
            case 0x65:
                if Scan.equalsNameLowercase(p, start, "event") { return .event }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "route") { return .route }
                return .other
            default: return .other
            }
        case 6:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "accept") { return .accept }
                return .other
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "cookie") { return .cookie }
                return .other
            case 0x6d:
                if Scan.equalsNameLowercase(p, start, "min-se") { return .minSE }
                return .other
            case 0x6f:
                if Scan.equalsNameLowercase(p, start, "origin") { return .origin }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "reason") { return .reason }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "server") { return .server }
                return .other
            default: return .other
            }
        case 7:
            switch ByteClass.lower(p[start]) {
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "call-id") { return .callID }
                if Scan.equalsNameLowercase(p, start, "contact") { return .contact }
                return .other
            case 0x65:
                if Scan.equalsNameLowercase(p, start, "expires") { return .expires }
                return .other
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "privacy") { return .privacy }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "require") { return .require }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "subject") { return .subject }
                return .other
            case 0x75:
                if Scan.equalsNameLowercase(p, start, "upgrade") { return .upgrade }
                return .other
            case 0x77:
                if Scan.equalsNameLowercase(p, start, "warning") { return .warning }
                return .other
            default: return .other
            }
        case 8:
            switch ByteClass.lower(p[start]) {
            case 0x69:
                if Scan.equalsNameLowercase(p, start, "identity") { return .identity }
                return .other
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "priority") { return .priority }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "refer-to") { return .referTo }
                if Scan.equalsNameLowercase(p, start, "reply-to") { return .replyTo }
                if Scan.equalsNameLowercase(p, start, "replaces") { return .replaces }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "sip-etag") { return .sipETag }
                return .other
            default: return .other
            }
        case 9:
            switch ByteClass.lower(p[start]) {
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "call-info") { return .callInfo }
                return .other
            case 0x64:
                if Scan.equalsNameLowercase(p, start, "diversion") { return .diversion }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "supported") { return .supported }
                return .other
            case 0x74:
                if Scan.equalsNameLowercase(p, start, "timestamp") { return .timestamp }
                return .other
            default: return .other
            }
        case 10:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "alert-info") { return .alertInfo }
                return .other
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "connection") { return .connection }
                return .other
            case 0x65:
                if Scan.equalsNameLowercase(p, start, "error-info") { return .errorInfo }
                return .other
            case 0x75:
                if Scan.equalsNameLowercase(p, start, "user-agent") { return .userAgent }
                return .other
            default: return .other
            }
        case 11:
            switch ByteClass.lower(p[start]) {
            case 0x69:
                if Scan.equalsNameLowercase(p, start, "in-reply-to") { return .inReplyTo }
                return .other
            case 0x6d:
                if Scan.equalsNameLowercase(p, start, "min-expires") { return .minExpires }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "referred-by") { return .referredBy }
                if Scan.equalsNameLowercase(p, start, "retry-after") { return .retryAfter }
                return .other
            case 0x75:
                if Scan.equalsNameLowercase(p, start, "unsupported") { return .unsupported }
                return .other
            default: return .other
            }
        case 12:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "allow-events") { return .allowEvents }
                return .other
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "content-type") { return .contentType }
                return .other
            case 0x6d:
                if Scan.equalsNameLowercase(p, start, "max-forwards") { return .maxForwards }
                if Scan.equalsNameLowercase(p, start, "mime-version") { return .mimeVersion }
                return .other
            case 0x6f:
                if Scan.equalsNameLowercase(p, start, "organization") { return .organization }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "record-route") { return .recordRoute }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "sip-if-match") { return .sipIfMatch }
                return .other
            default: return .other
            }
        case 13:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "authorization") { return .authorization }
                return .other
            case 0x69:
                if Scan.equalsNameLowercase(p, start, "identity-info") { return .identityInfo }
                return .other
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "proxy-require") { return .proxyRequire }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "service-route") { return .serviceRoute }
                return .other
            default: return .other
            }
        case 14:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "accept-contact") { return .acceptContact }
                return .other
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "content-length") { return .contentLength }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "reject-contact") { return .rejectContact }
                return .other
            default: return .other
            }
        case 15:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "accept-encoding") { return .acceptEncoding }
                if Scan.equalsNameLowercase(p, start, "accept-language") { return .acceptLanguage }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "remote-party-id") { return .remotePartyID }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "session-expires") { return .sessionExpires }
                return .other
            default: return .other
            }
        case 16:
            switch ByteClass.lower(p[start]) {
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "content-encoding") { return .contentEncoding }
                if Scan.equalsNameLowercase(p, start, "content-language") { return .contentLanguage }
                return .other
            case 0x77:
                if Scan.equalsNameLowercase(p, start, "www-authenticate") { return .wwwAuthenticate }
                return .other
            default: return .other
            }
        case 17:
            switch ByteClass.lower(p[start]) {
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "sec-websocket-key") { return .secWebSocketKey }
                return .other
            case 0x74:
                if Scan.equalsNameLowercase(p, start, "transfer-encoding") { return .transferEncoding }
                return .other
            default: return .other
            }
        case 18:
            switch ByteClass.lower(p[start]) {
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "proxy-authenticate") { return .proxyAuthenticate }
                return .other
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "subscription-state") { return .subscriptionState }
                return .other
            default: return .other
            }
        case 19:
            switch ByteClass.lower(p[start]) {
            case 0x61:
                if Scan.equalsNameLowercase(p, start, "authentication-info") { return .authenticationInfo }
                return .other
            case 0x63:
                if Scan.equalsNameLowercase(p, start, "content-disposition") { return .contentDisposition }
                return .other
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "proxy-authorization") { return .proxyAuthorization }
                if Scan.equalsNameLowercase(p, start, "p-asserted-identity") { return .pAssertedIdentity }
                return .other
            case 0x72:
                if Scan.equalsNameLowercase(p, start, "request-disposition") { return .requestDisposition }
                return .other
            default: return .other
            }
        case 20:
            switch ByteClass.lower(p[start]) {
            case 0x70:
                if Scan.equalsNameLowercase(p, start, "p-preferred-identity") { return .pPreferredIdentity }
                return .other
            default: return .other
            }
        case 21:
            switch ByteClass.lower(p[start]) {
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "sec-websocket-version") { return .secWebSocketVersion }
                return .other
            default: return .other
            }
        case 22:
            switch ByteClass.lower(p[start]) {
            case 0x73:
                if Scan.equalsNameLowercase(p, start, "sec-websocket-protocol") { return .secWebSocketProtocol }
                return .other
            default: return .other
            }
        default: return .other
        }
    }
}
