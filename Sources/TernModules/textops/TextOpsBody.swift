// textops body functions: has_body([type]) and set_body(text, content-type).
import SIPCore
import TernScript

enum TextOpsBody {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "has_body", argumentCounts: 0...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                var wanted: MIMEType?
                if let argument = args.first {
                    guard let text = argument.literalText else {
                        throw .error("has_body: the content type must be a constant string", at: argument.location)
                    }
                    if !text.isEmpty {
                        guard let type = MIMEType(Array(text.utf8)) else {
                            throw .error("has_body: unsupported content type '\(text)' (expected type/subtype)", at: argument.location)
                        }
                        wanted = type
                    }
                }
                return { ctx in hasBody(ctx.message, wanted) }
            },
            FunctionDeclaration(
                name: "set_body", argumentCounts: 2...2, routeTypes: [.request, .failure, .branch, .onReply, .coreReply]
            ) { args, _ throws(Diagnostic) in
                let body = try args[0].formatString()
                let type = try args[1].formatString()
                return { ctx in setBody(ctx, Array(body.evaluate(ctx).utf8), Array(type.evaluate(ctx).utf8)) }
            },
        ]
    }

    /// Kamailio looks at Content-Length: no header or a zero length means no body. Without a
    /// Content-Type the body is taken to be application/sdp (RFC 3261 practice).
    static func hasBody(_ m: SIPMessage, _ wanted: MIMEType?) -> Int {
        guard m.firstHeader(.contentLength) != nil, let length = try? m.contentLength(), length > 0 else { return -1 }
        guard let wanted else { return 1 }
        let actual: MIMEType
        if let field = m.firstHeader(.contentType) {
            guard let parsed = MIMEType(m.bytes[field.valueRange]), !parsed.hasWildcard else { return -1 }
            actual = parsed
        } else {
            actual = .applicationSDP
        }
        return actual == wanted ? 1 : -1
    }

    /// Replaces the body, and the Content-Type when it differs; Content-Length follows when
    /// the message is sent.
    static func setBody(_ ctx: ScriptContext, _ body: [UInt8], _ type: [UInt8]) -> Int {
        guard !body.isEmpty, !type.isEmpty else {
            ctx.worker.logger.error("set_body: the body and the content type must not be empty")
            return -1
        }
        let m = ctx.message
        let bytes = m.bytes
        if !m.bodyRange.isEmpty { ctx.edits.delete(m.bodyRange) }
        let current = m.headers.firstIndex { $0.name == .contentType }
        let unchanged = current.map { bytes[m.headers[$0].valueRange].elementsEqual(type) } ?? false
        if !unchanged {
            if let current { ctx.edits.delete(m.headerLineRange(current)) }
            ctx.edits.insert(Array("Content-Type: ".utf8) + type + [13, 10], at: m.emptyLineOffset)
        }
        ctx.edits.insert(body, at: m.bodyRange.lowerBound)
        return 1
    }
}
