import SIPCore

/// The message itself (spec §3.2, first table): method, version, status, type, length, buffer
/// (`$mbu` with the route's edits applied), body, Content-Length/-Type, Call-ID, CSeq, Contact, User-Agent, and `$msg(attr)`. Types as
/// in Kamailio 5.6.3: `$cs` is a string ("5"+`$cs` concatenates), `$ml`/`$cl`/`$rs` are ints.
enum MessagePseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        // Request: the method token; reply: the CSeq method.
        out += CorePseudoVariables.viewed(["rm"]) { ctx in CorePseudoVariables.nonEmpty(ctx.message.bytes, ctx.message.methodRange) }
        out += CorePseudoVariables.computed(["rmid"]) { ctx in .int(KamailioMethodID.of(ctx.message)) }
        out += CorePseudoVariables.viewed(["rv"]) { ctx in CorePseudoVariables.text(ctx.message, ctx.message.versionRange) }
        out += CorePseudoVariables.computed(["rs"]) { ctx in ctx.message.kind == .response ? .int(ctx.message.statusCode) : .null }
        out += CorePseudoVariables.computed(["rsi"]) { ctx in .int(ctx.message.kind == .response ? ctx.message.statusCode : 0) }
        out += CorePseudoVariables.viewed(["rr"]) { ctx in
            ctx.message.kind == .response ? CorePseudoVariables.text(ctx.message, ctx.message.reasonRange) : .null
        }
        out += CorePseudoVariables.computed(["mt"]) { ctx in .int(ctx.message.kind == .response ? 2 : 1) }
        out += CorePseudoVariables.computed(["mts"]) { ctx in .string(ctx.message.kind == .response ? "rp" : "rq") }
        out += CorePseudoVariables.computed(["ml"]) { ctx in .int(messageLength(ctx.message)) }
        out += CorePseudoVariables.viewed(["mb"]) { ctx in .bytes(ctx.message.bytes, wholeMessage(ctx.message)) }
        // The message with this route's changes applied, as it would be sent.
        out += CorePseudoVariables.computed(["mbu"]) { ctx in
            guard let bytes = try? MessageSerializer.serialize(ctx.message, edits: ctx.edits) else { return .null }
            return .string(ByteText.string(bytes))
        }
        out += CorePseudoVariables.viewed(["rb"]) { ctx in
            ctx.message.bodyRange.isEmpty ? .null : CorePseudoVariables.text(ctx.message, ctx.message.bodyRange)
        }
        out += CorePseudoVariables.computed(["bs"]) { ctx in .int(ctx.message.bodyRange.count) }
        out += CorePseudoVariables.computed(["cl"]) { ctx in
            guard let length = (try? ctx.message.contentLength()) ?? nil else { return .null }
            return .int(length)
        }
        out += CorePseudoVariables.viewed(["cT"]) { ctx in CorePseudoVariables.text(ctx.message, ctx.message.firstHeader(.contentType)?.valueRange) }
        out += CorePseudoVariables.viewed(["ci"]) { ctx in
            guard let r = try? ctx.message.callIDRange() else { return .null }
            return .bytes(ctx.message.bytes, r)
        }
        out += CorePseudoVariables.viewed(["cs"]) { ctx in
            guard let field = ctx.message.firstHeader(.cseq), (try? ctx.message.cseq()) != nil else { return .null }
            // The number as written: the value's first token.
            let b = ctx.message.bytes
            var end = field.valueRange.lowerBound
            while end < field.valueRange.upperBound, isDigit(b[end]) { end += 1 }
            return .bytes(b, field.valueRange.lowerBound..<end)
        }
        out += CorePseudoVariables.viewed(["csb"]) { ctx in CorePseudoVariables.text(ctx.message, ctx.message.firstHeader(.cseq)?.valueRange) }
        // The first Contact header's whole value, every contact in it included.
        out += CorePseudoVariables.viewed(["ct"]) { ctx in CorePseudoVariables.nonEmpty(ctx.message.bytes, ctx.message.firstHeader(.contact)?.valueRange) }
        out += CorePseudoVariables.viewed(["ua"]) { ctx in CorePseudoVariables.text(ctx.message, ctx.message.firstHeader(.userAgent)?.valueRange) }
        out += CorePseudoVariables.viewed(["hu"]) { ctx in
            ctx.message.kind == .httpRequest ? CorePseudoVariables.text(ctx.message, ctx.message.requestURIRange) : .null
        }
        out.append(messageAttributes)
        return out
    }

    /// The message as received, without leading keep-alive CRLFs and trailing datagram bytes.
    static func wholeMessage(_ m: SIPMessage) -> Range<Int> {
        m.messageStart..<max(m.messageStart, m.bodyRange.upperBound)
    }

    static func messageLength(_ m: SIPMessage) -> Int { wholeMessage(m).count }

    /// Offset of the first header line (just past the start line's CRLF).
    static func headersStart(_ m: SIPMessage) -> Int {
        let b = m.bytes
        var i = m.messageStart
        while i < m.headerSectionEnd, b[i] != 0x0A { i += 1 }
        return min(i + 1, m.headerSectionEnd)
    }

    enum Attribute: Sendable { case len, buf, body, hdrs, hdrc, fline, fpart, lpart, bodyLen, hdrsLen }

    /// `$msg(len|buf|body|body_len|hdrs|hdrs_len|hdrc|fline|fpart|lpart)`.
    static let messageAttributes = CorePseudoVariables.keyed(
        "msg",
        keys: ["len": Attribute.len, "buf": .buf, "body": .body, "hdrs": .hdrs, "hdrc": .hdrc, "fline": .fline,
               "fpart": .fpart, "lpart": .lpart, "body_len": .bodyLen, "hdrs_len": .hdrsLen]
    ) { ctx, attribute in
        let m = ctx.message
        let b = m.bytes
        let hs = headersStart(m)
        func trimmed(_ r: Range<Int>) -> ScriptValue {
            .string(ByteText.string(StringTransformations.trim(b[r], leading: true, trailing: true)))
        }
        switch attribute {
        case .len: return .int(messageLength(m))
        case .buf: return .string(m.string(wholeMessage(m)))
        case .body: return m.bodyRange.isEmpty ? .null : .string(m.string(m.bodyRange))
        case .bodyLen: return .int(m.bodyRange.count)
        case .hdrs: return trimmed(hs..<m.headerSectionEnd)
        case .hdrsLen:
            return .int(StringTransformations.trim(b[hs..<m.headerSectionEnd], leading: true, trailing: true).count)
        case .hdrc: return .int(m.headers.count)
        case .fline: return trimmed(m.messageStart..<hs)
        case .fpart: return trimmed(m.messageStart..<m.headerSectionEnd)
        case .lpart: return m.headers.isEmpty ? .null : .string(m.string(hs..<wholeMessage(m).upperBound))
        }
    }
}
