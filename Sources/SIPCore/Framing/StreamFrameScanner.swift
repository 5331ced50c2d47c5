// Where one message ends in a TCP or TLS byte stream (RFC 3261 §18.3): the header
// section up to the empty line, then Content-Length bytes of body. CRLFs between messages are
// keep-alives (RFC 5626 §3.5.1: a client pings with CRLFCRLF, the server answers CRLF).
// Pure logic over a buffer: the transport keeps the bytes, calls `scan` after each read, and
// consumes what it is told.

public enum StreamFrame: Sendable, Equatable {
    /// Not enough bytes yet for a whole message.
    case needMore
    /// `length` bytes of CR/LF to drop. `length == 4` is a CRLFCRLF ping that wants a CRLF pong.
    case keepAlive(length: Int)
    /// The first `length` bytes are one message (pass them to `SIPMessage.parse`).
    case message(length: Int)
    /// The stream cannot be framed any more: answer if possible, then close the connection.
    case error(SIPParseError)
}

public enum StreamFrameScanner {
    public static func scan(_ buf: UnsafeRawBufferPointer, acceptNoContentLength: Bool = false, limits: SIPParseLimits = .init()) -> StreamFrame {
        buf.withMemoryRebound(to: UInt8.self) { scan($0, acceptNoContentLength: acceptNoContentLength, limits: limits) }
    }

    public static func scan(_ bytes: [UInt8], acceptNoContentLength: Bool = false, limits: SIPParseLimits = .init()) -> StreamFrame {
        bytes.withUnsafeBufferPointer { scan($0, acceptNoContentLength: acceptNoContentLength, limits: limits) }
    }

    public static func scan(_ bytes: ArraySlice<UInt8>, acceptNoContentLength: Bool = false, limits: SIPParseLimits = .init()) -> StreamFrame {
        bytes.withUnsafeBufferPointer { scan($0, acceptNoContentLength: acceptNoContentLength, limits: limits) }
    }

    public static func scan(_ p: UnsafeBufferPointer<UInt8>, acceptNoContentLength: Bool = false, limits: SIPParseLimits = .init()) -> StreamFrame {
        let n = p.count
        guard n > 0 else { return .needMore }

        let first = p[0]
        if first == ASCII.cr || first == ASCII.lf {
            return keepAlive(p)
        }

        guard let headerEnd = HeaderLineScanner.headerSectionEnd(p, from: 0, n) else {
            if n > limits.maxMessageSize { return failure(.messageTooLarge, p, Swift.min(n, limits.maxMessageSize)) }
            return .needMore
        }
        if headerEnd > limits.maxMessageSize { return failure(.messageTooLarge, p, headerEnd) }

        // Start line: an HTTP request without Content-Length has no body (RFC 7230 §3.3.3).
        var lineEnd = 0
        while lineEnd < headerEnd && p[lineEnd] != ASCII.lf { lineEnd &+= 1 }
        let isHTTP = isHTTPRequestLine(p, lineEnd)

        var pos = lineEnd &+ 1
        var count = 0
        var contentLength = -1
        do throws(SIPParseError) {
            while let h = try HeaderLineScanner.next(p, &pos, headerEnd) {
                count &+= 1
                guard count <= limits.maxHeaderCount else { throw SIPParseError(.tooManyHeaders) }
                let name = HeaderName.recognize(p, h.nameStart, h.nameEnd &- h.nameStart)
                if name == .other && !HeaderLineScanner.isValidName(p, h.nameStart, h.nameEnd) {
                    throw SIPParseError(.malformedHeaderLine)
                }
                if name == .contentLength {
                    guard let value = Scan.decimal(p, h.valueStart ..< h.valueEnd, max: UInt64(Int32.max)) else {
                        throw SIPParseError(.invalidContentLength)
                    }
                    // RFC 4475 mcl01: two different lengths leave the stream unframeable.
                    if contentLength >= 0 && contentLength != Int(value) { throw SIPParseError(.conflictingContentLength) }
                    contentLength = Int(value)
                } else if isHTTP && name == .transferEncoding {
                    throw SIPParseError(.unsupportedTransferEncoding)
                }
            }
        } catch {
            return failure(error.kind, p, headerEnd)
        }
        if contentLength < 0 {
            guard isHTTP || acceptNoContentLength else { return failure(.missingContentLength, p, headerEnd) }
            contentLength = 0
        }
        let total = headerEnd &+ contentLength
        if total > limits.maxMessageSize { return failure(.messageTooLarge, p, headerEnd) }
        return n >= total ? .message(length: total) : .needMore
    }

    /// A framing error, with `canReply` telling whether the head still holds what a reply needs.
    private static func failure(_ kind: SIPParseErrorKind, _ p: UnsafeBufferPointer<UInt8>, _ headLength: Int) -> StreamFrame {
        let head = Array(p[0 ..< Swift.min(headLength, p.count)])
        return .error(SIPParseError(kind, canReply: BrokenRequestScanner.canReply(to: head)))
    }

    /// Leading CR/LF bytes: a CRLFCRLF ping, or stray line ends skipped as keep-alives. A lone
    /// CRLF (or CRLF CR) waits for more, since it may be the first half of a ping.
    private static func keepAlive(_ p: UnsafeBufferPointer<UInt8>) -> StreamFrame {
        let n = p.count
        if n >= 4 && p[0] == ASCII.cr && p[1] == ASCII.lf && p[2] == ASCII.cr && p[3] == ASCII.lf {
            return .keepAlive(length: 4)
        }
        if p[0] == ASCII.cr {
            guard n >= 2 else { return .needMore }
            if p[1] == ASCII.lf {
                if n == 2 || (n == 3 && p[2] == ASCII.cr) { return .needMore }
                return .keepAlive(length: 2)
            }
            return .keepAlive(length: 1)
        }
        return .keepAlive(length: 1)
    }

    private static func isHTTPRequestLine(_ p: UnsafeBufferPointer<UInt8>, _ lineEnd: Int) -> Bool {
        var end = lineEnd
        if end > 0 && p[end &- 1] == ASCII.cr { end &-= 1 }
        var i = end
        while i > 0 && p[i &- 1] != ASCII.space { i &-= 1 }
        return i > 0 && Scan.hasPrefix(p, i, end, "HTTP/")
    }
}
