// Stateless replies (RFC 3261 §8.2.6, §18.2.1; RFC 3581 §4): status line, the request's Vias
// (the top one with received/rport), From, To (+ tag), Call-ID, CSeq, then the caller's headers,
// Server, Content-Type/Content-Length and the body.

public enum SIPReplyBuilder {
    /// A reply to a request that parsed. `toTag` is added to To when it has none and code > 100.
    /// `extraHeaders` are complete header lines (a missing final CRLF is added). `serverHeader`
    /// is the whole line text, e.g. "Server: Tern 0.1".
    public static func build(
        for request: SIPMessage, code: Int, reason: String, toTag: String?, receivedFrom source: SocketAddressText,
        extraHeaders: [UInt8] = [], serverHeader: String?, body: [UInt8] = [], contentType: String? = nil
    ) -> [UInt8] {
        guard var toTag else {
            return build(for: request, code: code, reason: reason, toTagBytes: nil, receivedFrom: source,
                         extraHeaders: extraHeaders, serverHeader: serverHeader, body: body, contentType: contentType)
        }
        return toTag.withUTF8 { tag in
            build(for: request, code: code, reason: reason, toTagBytes: tag, receivedFrom: source,
                  extraHeaders: extraHeaders, serverHeader: serverHeader, body: body, contentType: contentType)
        }
    }

    /// The same with the To-tag given as bytes (the local tag generator writes it on the stack).
    public static func build(
        for request: SIPMessage, code: Int, reason: String, toTagBytes toTag: UnsafeBufferPointer<UInt8>?,
        receivedFrom source: SocketAddressText, extraHeaders: [UInt8] = [], serverHeader: String?,
        body: [UInt8] = [], contentType: String? = nil
    ) -> [UInt8] {
        // Room for the status line, received/rport, To-tag and Server line.
        let estimate = request.headerSectionEnd &- request.messageStart &+ 256 &+ extraHeaders.count &+ body.count
        guard estimate <= ReplyBytes.stackCapacity else {
            var out = ReplyBytes(capacity: estimate)
            return build(into: &out, request, code, reason, toTag, source, extraHeaders, serverHeader, body, contentType)
        }
        // An ordinary reply is written in a buffer on the stack and copied once into the Array.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ReplyBytes.stackCapacity) { storage in
            var out = ReplyBytes(storage: storage)
            return build(into: &out, request, code, reason, toTag, source, extraHeaders, serverHeader, body, contentType)
        }
    }

    private static func build(
        into out: inout ReplyBytes, _ request: SIPMessage, _ code: Int, _ reason: String,
        _ toTag: UnsafeBufferPointer<UInt8>?, _ source: SocketAddressText, _ extraHeaders: [UInt8],
        _ serverHeader: String?, _ body: [UInt8], _ contentType: String?
    ) -> [UInt8] {
        let bytes = request.bytes
        appendStatusLine(&out, code, reason)
        let topVia = try? request.topVia()
        bytes.withUnsafeBufferPointer { p in
            var first = true
            for field in request.headers where field.name == .via {
                append(&out, "Via: ")
                if first, let topVia {
                    appendTopVia(&out, p, field.valueRange, topVia, source)
                } else {
                    appendBytes(&out, p, field.valueRange)
                }
                append(&out, "\r\n")
                first = false
            }
            if let f = request.firstHeader(.from) { appendLine(&out, "From: ", p, f.valueRange, unfold: false) }
            if let t = request.firstHeader(.to) {
                // A To that does not parse is copied as it is: a tag appended to it would not help.
                let needsTag = (try? request.to()).map { $0.tag == nil } ?? false
                appendTo(&out, p, t.valueRange, addTag: code > 100 && needsTag ? toTag : nil, unfold: false)
            }
            if let c = request.firstHeader(.callID) { appendLine(&out, "Call-ID: ", p, c.valueRange, unfold: false) }
            if let c = request.firstHeader(.cseq) { appendLine(&out, "CSeq: ", p, c.valueRange, unfold: false) }
            if code == 100, let ts = request.firstHeader(.timestamp) {
                // RFC 3261 §8.2.6.1: a 100 echoes the request's Timestamp.
                appendLine(&out, "Timestamp: ", p, ts.valueRange, unfold: false)
            }
        }
        appendTail(&out, extraHeaders, serverHeader, body, contentType)
        return out.finish()
    }

    /// A reply to a request that failed `parse()` or `validate()`: the Via, From, To, Call-ID and
    /// CSeq lines are copied as found (folds unfolded), the top Via gets received/rport when it
    /// parses. Nil when no reply can be formed (not a request, or no Via line).
    public static func buildFromBrokenRequest(
        _ bytes: [UInt8], code: Int = 400, reason: String, toTag: String? = nil, receivedFrom source: SocketAddressText,
        serverHeader: String?
    ) -> [UInt8]? {
        bytes.withUnsafeBufferPointer { p -> [UInt8]? in
            guard let lines = BrokenRequestScanner.scan(p), !lines.isHTTP, !lines.vias.isEmpty else { return nil }
            var out = ReplyBytes(capacity: Swift.min(p.count, 4096) &+ 160)
            appendStatusLine(&out, code, reason)
            let topVia = BrokenRequestScanner.topVia(p, lines)
            for (index, via) in lines.vias.enumerated() {
                append(&out, "Via: ")
                if index == 0, let topVia {
                    appendTopVia(&out, p, via, topVia, source)
                } else {
                    appendUnfolded(&out, p, via)
                }
                append(&out, "\r\n")
            }
            if let f = lines.from { appendLine(&out, "From: ", p, f, unfold: true) }
            if let t = lines.to {
                var addTag: String? = nil
                if code > 100, let toTag, let parsed = try? NameAddr.parse(p, t, header: .to), parsed.tag == nil {
                    addTag = toTag
                }
                if var addTag {
                    addTag.withUTF8 { appendTo(&out, p, t, addTag: $0, unfold: true) }
                } else {
                    appendTo(&out, p, t, addTag: nil, unfold: true)
                }
            }
            if let c = lines.callID { appendLine(&out, "Call-ID: ", p, c, unfold: true) }
            if let c = lines.cseq { appendLine(&out, "CSeq: ", p, c, unfold: true) }
            appendTail(&out, [], serverHeader, [], nil)
            return out.finish()
        }
    }

    /// Same, for a message that parsed but failed `validate()`.
    public static func buildFromBrokenRequest(
        _ message: SIPMessage, code: Int = 400, reason: String, toTag: String? = nil,
        receivedFrom source: SocketAddressText, serverHeader: String?
    ) -> [UInt8]? {
        buildFromBrokenRequest(
            message.bytes, code: code, reason: reason, toTag: toTag, receivedFrom: source, serverHeader: serverHeader)
    }

    // MARK: - Pieces

    private static func appendStatusLine(_ out: inout ReplyBytes, _ code: Int, _ reason: String) {
        append(&out, "SIP/2.0 ")
        appendDecimal(&out, Swift.min(Swift.max(code, 100), 699))
        out.append(ASCII.space)
        appendSanitized(&out, reason)
        append(&out, "\r\n")
    }

    /// The top Via value with `rport=<source port>` filled in when the request sent an empty
    /// `rport`, and `received=<source ip>` when the sent-by host is not the source address or
    /// rport was asked for (RFC 3581 §4). An existing `received` gets the new value.
    private static func appendTopVia(
        _ out: inout ReplyBytes, _ p: ByteBuffer, _ value: Range<Int>, _ via: ViaHeader, _ source: SocketAddressText
    ) {
        let wantsRPort = via.rport != .absent
        let needsReceived = wantsRPort || !hostMatches(p, via, source.ip)
        var cursor = value.lowerBound
        // Edits inside the value, in offset order: fill rport, replace received, append received.
        var rportAt = -1
        if via.rport == .empty, let name = via.rportName { rportAt = name.upperBound }
        var receivedRange: Range<Int>? = nil
        if needsReceived, let existing = via.received { receivedRange = existing }

        func emitRPort() {
            appendBytes(&out, p, cursor ..< rportAt)
            out.append(ASCII.equals)
            appendDecimal(&out, source.port)
            cursor = rportAt
        }
        func emitReceivedReplacement(_ r: Range<Int>) {
            appendBytes(&out, p, cursor ..< r.lowerBound)
            appendText(&out, source.ip)
            cursor = r.upperBound
        }
        if let r = receivedRange, rportAt >= 0, r.lowerBound < rportAt {
            emitReceivedReplacement(r)
            emitRPort()
        } else {
            if rportAt >= 0 { emitRPort() }
            if let r = receivedRange { emitReceivedReplacement(r) }
        }
        let elementEnd = Swift.max(cursor, via.whole.upperBound)
        appendBytes(&out, p, cursor ..< elementEnd)
        if needsReceived && via.received == nil {
            append(&out, ";received=")
            appendText(&out, source.ip)
        }
        appendBytes(&out, p, elementEnd ..< value.upperBound)
    }

    private static func hostMatches(_ p: ByteBuffer, _ via: ViaHeader, _ ip: String) -> Bool {
        var host = via.host
        if via.isIPv6Reference && host.count >= 2 { host = host.lowerBound &+ 1 ..< host.upperBound &- 1 }
        var ipText = ip
        return ipText.withUTF8 { q in Scan.equalsIgnoringCase(p, host, q, 0 ..< q.count) }
    }

    private static func appendTo(
        _ out: inout ReplyBytes, _ p: ByteBuffer, _ value: Range<Int>, addTag: UnsafeBufferPointer<UInt8>?, unfold: Bool
    ) {
        append(&out, "To: ")
        if unfold { appendUnfolded(&out, p, value) } else { appendBytes(&out, p, value) }
        if let addTag {
            append(&out, ";tag=")
            appendSanitized(&out, addTag)
        }
        append(&out, "\r\n")
    }

    private static func appendLine(_ out: inout ReplyBytes, _ name: StaticString, _ p: ByteBuffer, _ value: Range<Int>, unfold: Bool) {
        append(&out, name)
        if unfold { appendUnfolded(&out, p, value) } else { appendBytes(&out, p, value) }
        append(&out, "\r\n")
    }

    private static func appendTail(_ out: inout ReplyBytes, _ extraHeaders: [UInt8], _ serverHeader: String?, _ body: [UInt8], _ contentType: String?) {
        if !extraHeaders.isEmpty {
            out.append(extraHeaders)
            if extraHeaders.last != ASCII.lf { append(&out, "\r\n") }
        }
        if let serverHeader, !serverHeader.isEmpty {
            appendSanitized(&out, serverHeader)
            append(&out, "\r\n")
        }
        if !body.isEmpty, let contentType {
            append(&out, "Content-Type: ")
            appendSanitized(&out, contentType)
            append(&out, "\r\n")
        }
        append(&out, "Content-Length: ")
        appendDecimal(&out, body.count)
        append(&out, "\r\n\r\n")
        out.append(body)
    }

    /// Copies a value with CR/LF turned into spaces: a broken request's folds must not end lines.
    private static func appendUnfolded(_ out: inout ReplyBytes, _ p: ByteBuffer, _ value: Range<Int>) {
        for b in p[value] { out.append(b == ASCII.cr || b == ASCII.lf ? ASCII.space : b) }
    }

    /// Text from the caller must not smuggle line breaks into the reply.
    private static func appendSanitized(_ out: inout ReplyBytes, _ text: String) {
        // Native strings are read in place; only a bridged one is copied first.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendSanitized(&out, $0) }
        if done == nil {
            var copy = text
            copy.withUTF8 { appendSanitized(&out, $0) }
        }
    }

    @inline(__always)
    private static func appendSanitized(_ out: inout ReplyBytes, _ bytes: UnsafeBufferPointer<UInt8>) {
        // Reasons and header texts almost never hold CR/LF: copy them in one go.
        guard Scan.containsLineBreak(bytes) else {
            out.append(bytes)
            return
        }
        for b in bytes { out.append(b == ASCII.cr || b == ASCII.lf ? ASCII.space : b) }
    }

    /// A range of the request's bytes, copied as one block.
    @inline(__always)
    private static func appendBytes(_ out: inout ReplyBytes, _ p: ByteBuffer, _ range: Range<Int>) {
        out.append(UnsafeBufferPointer(rebasing: p[range]))
    }

    // Literals must reach the StaticString overload: given a String overload of the same
    // name, a literal becomes a String and each piece costs a conversion and a retain.
    @inline(__always)
    private static func append(_ out: inout ReplyBytes, _ s: StaticString) {
        out.append(s)
    }

    @inline(__always)
    private static func appendText(_ out: inout ReplyBytes, _ s: String) {
        out.append(s)
    }

    static func appendDecimal(_ out: inout ReplyBytes, _ value: Int) {
        // The common cases, written directly: a status code and an empty body's length.
        if value >= 0 && value < 10 {
            out.append(ASCII.zero &+ UInt8(truncatingIfNeeded: value))
            return
        }
        if value >= 100 && value < 1000 {
            out.append(ASCII.zero &+ UInt8(truncatingIfNeeded: value / 100))
            out.append(ASCII.zero &+ UInt8(truncatingIfNeeded: value / 10 % 10))
            out.append(ASCII.zero &+ UInt8(truncatingIfNeeded: value % 10))
            return
        }
        var v = value
        if v < 0 {
            out.append(ASCII.minus)
            v = 0 &- v
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = ASCII.zero &+ UInt8(v % 10)
                v /= 10
                count &+= 1
            } while v > 0 && count < 20
            while count > 0 {
                count &-= 1
                out.append(buf[count])
            }
        }
    }
}
