import SIPCore

/// The Request-URI (current and as received), the destination URI and their parts. As in
/// Kamailio 5.6.3: `$rp` is the port as written, or 5060 (5061 with `;transport=tls`) when
/// absent, string-typed; `$rP` is the transport as written, or "UDP" when absent.
enum URIPseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += CorePseudoVariables.writable(["ru", "ruri"], view: { ctx in
            if let uri = ctx.newRequestURI { return .string(uri) }
            let m = ctx.message
            guard m.kind == .request else { return .null }
            return .bytes(m.bytes, m.requestURIRange)
        }, set: { ctx, v in
            // Kamailio refuses $null and non-strings here and keeps the R-URI.
            guard case .string(let s) = v else {
                ctx.worker.logger.error("$ru: a string is needed to set the R-URI")
                return
            }
            ctx.newRequestURI = s
        })
        out += CorePseudoVariables.writable(["rU", "ruri.user"], view: { ctx in
            ctx.withCurrentRequestURI { b, uri in CorePseudoVariables.nonEmpty(b, uri.user) } ?? .null
        }, set: { ctx, v in
            URIRewrite.setUser(ctx, v.isNull ? nil : v.stringValue)
        })
        out += CorePseudoVariables.writable(["rd", "ruri.domain"], view: { ctx in
            ctx.withCurrentRequestURI { b, uri in CorePseudoVariables.nonEmpty(b, uri.host) } ?? .null
        }, set: { ctx, v in
            guard case .string(let s) = v else {
                ctx.worker.logger.error("$rd: a string is needed to set the R-URI host")
                return
            }
            URIRewrite.setHost(ctx, s)
        })
        out += CorePseudoVariables.writable(["rp"], view: { ctx in
            ctx.withCurrentRequestURI { b, uri in port(b, uri) } ?? .null
        }, set: { ctx, v in
            URIRewrite.setPort(ctx, v.isNull ? nil : v.stringValue)
        })
        out += CorePseudoVariables.viewed(["rP"]) { ctx in ctx.withCurrentRequestURI { b, uri in transport(b, uri) } ?? .null }
        out += CorePseudoVariables.computed(["rz"]) { ctx in ctx.withCurrentRequestURI { b, uri in scheme(b, uri) } ?? .null }
        out += CorePseudoVariables.computed(["rUl"]) { ctx in ctx.withCurrentRequestURI { _, uri in .int(uri.user?.count ?? 0) } ?? .null }

        out += CorePseudoVariables.viewed(["ou", "ouri"]) { ctx in
            ctx.message.kind == .request ? .bytes(ctx.message.bytes, ctx.message.requestURIRange) : .null
        }
        out += CorePseudoVariables.viewed(["oU"]) { ctx in ctx.withOriginalRequestURI { b, uri in CorePseudoVariables.nonEmpty(b, uri.user) } ?? .null }
        out += CorePseudoVariables.viewed(["od"]) { ctx in ctx.withOriginalRequestURI { b, uri in CorePseudoVariables.nonEmpty(b, uri.host) } ?? .null }
        out += CorePseudoVariables.viewed(["op"]) { ctx in ctx.withOriginalRequestURI { b, uri in port(b, uri) } ?? .null }
        out += CorePseudoVariables.viewed(["oP"]) { ctx in ctx.withOriginalRequestURI { b, uri in transport(b, uri) } ?? .null }
        out += CorePseudoVariables.computed(["oUl"]) { ctx in ctx.withOriginalRequestURI { _, uri in .int(uri.user?.count ?? 0) } ?? .null }

        out += CorePseudoVariables.writable(["du", "duri"], view: { ctx in
            ctx.destinationURI.map { .string($0) } ?? .null
        }, set: { ctx, v in
            switch v {
            case .null: ctx.destinationURI = nil
            case .string(let s): ctx.destinationURI = s
            case .int: ctx.worker.logger.error("$du: a string is needed to set the destination URI")
            }
        })
        out += CorePseudoVariables.viewed(["dd"]) { ctx in destinationPart(ctx) { b, uri in CorePseudoVariables.nonEmpty(b, uri.host) } }
        out += CorePseudoVariables.viewed(["dp"]) { ctx in destinationPart(ctx) { b, uri in port(b, uri) } }
        out += CorePseudoVariables.viewed(["dP"]) { ctx in destinationPart(ctx) { b, uri in transport(b, uri) } }
        return out
    }

    /// The port as written, or Kamailio's default for the transport.
    static func port(_ bytes: [UInt8], _ uri: SIPURI) -> ScriptValueView {
        if uri.port != nil {
            var start = uri.host.upperBound
            if start < uri.whole.upperBound, bytes[start] == UInt8(ascii: ":") { start += 1 }
            var end = start
            while end < uri.whole.upperBound, isDigit(bytes[end]) { end += 1 }
            return .bytes(bytes, start..<end)
        }
        if let t = uri.transport, ByteText.equalIgnoringCase(bytes[t], "tls") { return .string("5061") }
        return .string("5060")
    }

    static func transport(_ bytes: [UInt8], _ uri: SIPURI) -> ScriptValueView {
        guard let t = uri.transport else { return .string("UDP") }
        return .bytes(bytes, t)
    }

    static func scheme(_ bytes: [UInt8], _ uri: SIPURI) -> ScriptValue {
        switch uri.scheme {
        case .sip: return .string("sip")
        case .sips: return .string("sips")
        case .tel: return .string("tel")
        case .other: return .string(ByteText.string(bytes[uri.schemeRange]).lowercased())
        }
    }

    /// A part of `$du`; null when `$du` is not set or is not a URI.
    static func destinationPart(_ ctx: ScriptContext, _ body: ([UInt8], SIPURI) -> ScriptValueView) -> ScriptValueView {
        guard let du = ctx.destinationURI else { return .null }
        let b = Array(du.utf8)
        guard let uri = try? SIPURI.parse(b, 0..<b.count) else { return .null }
        return body(b, uri)
    }
}
