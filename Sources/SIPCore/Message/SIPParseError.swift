// What went wrong with a received message, in the form the server needs to answer it:
// a status code, a reason phrase naming the problem, and whether a reply can be formed at all.

public enum SIPParseErrorKind: Sendable, Equatable {
    case emptyMessage
    /// Neither a SIP/HTTP request line nor a SIP status line.
    case malformedStartLine
    case malformedRequestLine
    case malformedStatusLine
    case invalidMethod
    case invalidStatusCode
    case versionNotSupported
    case httpVersionNotSupported
    case malformedHeaderLine
    case headerSectionNotTerminated
    case messageTooLarge
    case tooManyHeaders
    case missingHeader(HeaderName)
    case duplicateHeader(HeaderName)
    case malformedHeader(HeaderName)
    case malformedRequestURI
    case unsupportedURIScheme
    case requestURIHeaders
    case malformedURI
    case cseqMethodMismatch
    case cseqNumberTooLarge
    case invalidContentLength
    case contentLengthBeyondMessage
    case conflictingContentLength
    case missingContentLength
    case unsupportedTransferEncoding
}

public struct SIPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: SIPParseErrorKind
    /// 400 normally; 505 unknown version; 513 too large; 416 unsupported Request-URI scheme.
    public var statusCode: Int
    /// Short reason for the reply's reason phrase.
    public var reason: String
    /// False when the message is too broken to form a reply (no usable first line or Via, or it
    /// is a response): the caller drops it.
    public var canReply: Bool

    public init(kind: SIPParseErrorKind, statusCode: Int, reason: String, canReply: Bool) {
        self.kind = kind
        self.statusCode = statusCode
        self.reason = reason
        self.canReply = canReply
    }

    public init(_ kind: SIPParseErrorKind, canReply: Bool = true) {
        self.kind = kind
        self.canReply = canReply
        switch kind {
        case .emptyMessage: statusCode = 400; reason = "Empty message"
        case .malformedStartLine: statusCode = 400; reason = "Malformed start line"
        case .malformedRequestLine: statusCode = 400; reason = "Malformed Request-Line"
        case .malformedStatusLine: statusCode = 400; reason = "Malformed Status-Line"
        case .invalidMethod: statusCode = 400; reason = "Invalid method"
        case .invalidStatusCode: statusCode = 400; reason = "Invalid status code"
        case .versionNotSupported: statusCode = 505; reason = "Version Not Supported"
        case .httpVersionNotSupported: statusCode = 505; reason = "HTTP Version Not Supported"
        case .malformedHeaderLine: statusCode = 400; reason = "Malformed header line"
        case .headerSectionNotTerminated: statusCode = 400; reason = "Header section not terminated"
        case .messageTooLarge: statusCode = 513; reason = "Message too large"
        case .tooManyHeaders: statusCode = 400; reason = "Too many headers"
        case .missingHeader(let name): statusCode = 400; reason = "Missing " + name.canonicalName + " header"
        case .duplicateHeader(let name): statusCode = 400; reason = "Duplicate " + name.canonicalName + " header"
        case .malformedHeader(let name): statusCode = 400; reason = "Malformed " + name.canonicalName + " header"
        case .malformedRequestURI: statusCode = 400; reason = "Malformed Request-URI"
        case .unsupportedURIScheme: statusCode = 416; reason = "Unsupported URI Scheme"
        case .requestURIHeaders: statusCode = 400; reason = "Request-URI must not contain headers"
        case .malformedURI: statusCode = 400; reason = "Malformed URI"
        case .cseqMethodMismatch: statusCode = 400; reason = "CSeq method does not match request method"
        case .cseqNumberTooLarge: statusCode = 400; reason = "CSeq number is too large"
        case .invalidContentLength: statusCode = 400; reason = "Invalid Content-Length"
        case .contentLengthBeyondMessage: statusCode = 400; reason = "Content-Length larger than message"
        case .conflictingContentLength: statusCode = 400; reason = "Conflicting Content-Length values"
        case .missingContentLength: statusCode = 400; reason = "Missing Content-Length"
        case .unsupportedTransferEncoding: statusCode = 400; reason = "Transfer-Encoding not supported"
        }
    }

    public var description: String { "\(statusCode) \(reason)" }

    func withCanReply(_ value: Bool) -> SIPParseError {
        var copy = self
        copy.canReply = value
        return copy
    }
}

public struct SIPParseLimits: Sendable, Equatable {
    /// Largest message (start line + headers + body) accepted; larger gives 513.
    public var maxMessageSize: Int = 65535
    /// Most header fields accepted; more gives 400.
    public var maxHeaderCount: Int = 256

    public init() {}

    public init(maxMessageSize: Int, maxHeaderCount: Int) {
        self.maxMessageSize = maxMessageSize
        self.maxHeaderCount = maxHeaderCount
    }
}
