import SIPCore

/// Replies as they go upstream: our Via (the top one) removed, optionally another status code
/// (503 → 500) and extra header lines (aggregated challenges).
enum ReplyRewriter {
    /// `edits`: what onreply_route changed in the reply.
    static func upstream(_ reply: SIPMessage, statusCode: Int?, extraHeaders: [UInt8],
                         edits scriptEdits: EditList = EditList()) -> [UInt8]? {
        guard let field = reply.firstHeader(.via), let top = try? reply.topVia() else { return nil }
        var edits = scriptEdits
        let bytes = reply.bytes
        // Past the top value: a comma means more values on this line (keep them).
        var i = top.whole.upperBound
        while i < field.valueRange.upperBound, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        if i < field.valueRange.upperBound, bytes[i] == 0x2C {
            i += 1
            while i < field.valueRange.upperBound, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
            edits.delete(top.whole.lowerBound ..< i)
        } else {
            // The whole line with its line end.
            var end = field.valueRange.upperBound
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            edits.delete(field.nameRange.lowerBound ..< min(end + 1, bytes.count))
        }
        if let statusCode {
            // "SIP/2.0 503" → "SIP/2.0 500": the three digits after the version.
            let codeStart = reply.versionRange.upperBound + 1
            if codeStart + 3 <= bytes.count {
                edits.replace(codeStart ..< codeStart + 3, with: Array(String(statusCode).utf8))
            }
        }
        if !extraHeaders.isEmpty {
            edits.insert(extraHeaders, at: emptyLine(reply))
        }
        return try? MessageSerializer.serialize(reply, edits: edits)
    }

    static func emptyLine(_ message: SIPMessage) -> Int {
        let end = message.headerSectionEnd
        if end >= 2 && message.bytes[end - 2] == 0x0D { return end - 2 }
        return end - 1
    }
}

/// The hop-by-hop requests tm makes for a branch: CANCEL (RFC 3261 §9.1) and the ACK for a
/// non-2xx final reply (§17.1.1.3): the branch request's R-URI, top Via (ours), From,
/// Call-ID, CSeq number and Route headers; To from the reply for the ACK.
enum HopRequest {
    static func cancel(for request: SIPMessage) -> [UInt8] {
        build("CANCEL", request: request, to: nil)
    }

    static func ack(for request: SIPMessage, reply: SIPMessage) -> [UInt8] {
        build("ACK", request: request, to: reply)
    }

    private static func build(_ method: String, request: SIPMessage, to reply: SIPMessage?) -> [UInt8] {
        let bytes = request.bytes
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out += method.utf8
        out.append(0x20)
        out += bytes[request.requestURIRange]
        out += " SIP/2.0\r\n".utf8
        func line(_ name: String, _ field: SIPHeaderField, in source: [UInt8]) {
            out += name.utf8
            out += source[field.valueRange]
            out += [13, 10]
        }
        if let via = request.firstHeader(.via), let top = try? request.topVia() {
            _ = via
            out += "Via: ".utf8
            out += bytes[top.whole]
            out += [13, 10]
        }
        if let f = request.firstHeader(.from) { line("From: ", f, in: bytes) }
        if let reply, let t = reply.firstHeader(.to) {
            line("To: ", t, in: reply.bytes)
        } else if let t = request.firstHeader(.to) {
            line("To: ", t, in: bytes)
        }
        if let c = request.firstHeader(.callID) { line("Call-ID: ", c, in: bytes) }
        if let cseq = try? request.cseq() {
            out += "CSeq: \(cseq.number) \(method)\r\n".utf8
        }
        for field in request.headers where field.name == .route { line("Route: ", field, in: bytes) }
        out += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n".utf8
        return out
    }
}
