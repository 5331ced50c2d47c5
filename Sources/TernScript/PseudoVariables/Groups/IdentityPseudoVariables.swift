import SIPCore

/// Identity headers read as name-addr values: Refer-To (`$rt`), Remote-Party-ID (`$re`),
/// Diversion (`$di` and its reason/privacy/counter parameters), P-Asserted-Identity (`$ai`,
/// indexable) and P-Preferred-Identity (`$pu $pU $pd $pn`, indexable). Absent or unparsable
/// headers read as null.
enum IdentityPseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += CorePseudoVariables.viewed(["rt"]) { ctx in first(ctx, .referTo).map { .bytes(ctx.message.bytes, $0.uri.whole) } ?? .null }
        out += CorePseudoVariables.viewed(["re"]) { ctx in first(ctx, .remotePartyID).map { .bytes(ctx.message.bytes, $0.uri.whole) } ?? .null }
        out += CorePseudoVariables.viewed(["di"]) { ctx in first(ctx, .diversion).map { .bytes(ctx.message.bytes, $0.uri.whole) } ?? .null }
        for (name, param) in [("dir", "reason"), ("dip", "privacy"), ("dic", "counter")] {
            out += CorePseudoVariables.viewed([name]) { ctx in
                guard let na = first(ctx, .diversion), let p = na.param(named: param, in: ctx.message.bytes), let v = p.value else { return .null }
                return .bytes(ctx.message.bytes, v)
            }
        }
        out.append(indexed("ai", .pAssertedIdentity) { b, na in .bytes(b, na.uri.whole) })
        out.append(indexed("pu", .pPreferredIdentity) { b, na in .bytes(b, na.uri.whole) })
        out.append(indexed("pU", .pPreferredIdentity) { b, na in CorePseudoVariables.nonEmpty(b, na.uri.user) })
        out.append(indexed("pd", .pPreferredIdentity) { b, na in CorePseudoVariables.nonEmpty(b, na.uri.host) })
        out.append(indexed("pn", .pPreferredIdentity) { b, na in CorePseudoVariables.nonEmpty(b, na.displayName) })
        return out
    }

    /// Every name-addr of every line of a header, in order.
    static func values(_ ctx: ScriptContext, _ header: HeaderName) -> [NameAddr] {
        let m = ctx.message
        var out: [NameAddr] = []
        for field in m.headers where field.name == header {
            for element in HeaderValueSplitter.split(m.bytes, field.valueRange) {
                guard let na = try? NameAddr.parse(m.bytes, element, header: header) else { return out }
                out.append(na)
            }
        }
        return out
    }

    static func first(_ ctx: ScriptContext, _ header: HeaderName) -> NameAddr? {
        let m = ctx.message
        guard let field = m.firstHeader(header), let element = HeaderValueSplitter.split(m.bytes, field.valueRange).first else { return nil }
        return try? NameAddr.parse(m.bytes, element, header: header)
    }

    /// `$ai`, `$(ai[1])`: the n-th identity; `[*]` is refused when the script is loaded.
    private static func indexed(_ name: String, _ header: HeaderName,
                                _ pick: @escaping @Sendable ([UInt8], NameAddr) -> ScriptValueView) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: name, innerName: .none) { _ throws(Diagnostic) in
            PseudoVariableAccessors(
                view: { ctx in first(ctx, header).map { pick(ctx.message.bytes, $0) } ?? .null },
                getIndexed: { ctx, index in
                    guard case .position(let n) = index else {
                        ctx.worker.logger.error("$\(name) cannot return all values at once")
                        return .null
                    }
                    let list = values(ctx, header)
                    let k = n >= 0 ? n : list.count + n
                    guard k >= 0, k < list.count else { return .null }
                    return pick(ctx.message.bytes, list[k]).value
                })
        }
    }
}
