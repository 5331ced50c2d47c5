import SIPCore

/// Digest credentials of the request (Kamailio 5.6.3, checked): Proxy-Authorization when the
/// request has one, else Authorization; ACK and CANCEL have none. `$au` is the user part of
/// the username, `$aU` the whole username, `$ad` the part after `@`; a parameter that is
/// absent reads as an empty string (`$adu` as null).
enum AuthPseudoVariables {
    enum Field: Sendable { case user, whole, domain, realm, uri, algorithm, nonce, cnonce, response, opaque }

    static var all: [PseudoVariableDeclaration] {
        let fields: [(String, Field)] = [
            ("au", .user), ("aU", .whole), ("ad", .domain), ("ar", .realm), ("adu", .uri), ("aa", .algorithm),
            ("adn", .nonce), ("adc", .cnonce), ("adr", .response), ("ado", .opaque),
        ]
        return fields.flatMap { name, field in
            CorePseudoVariables.viewed([name]) { ctx in read(ctx, field) }
        }
    }

    static func credentials(_ m: SIPMessage) -> DigestCredentials? {
        guard m.method != .ack, m.method != .cancel else { return nil }
        if m.firstHeader(.proxyAuthorization) != nil { return (try? m.credentials(.proxyAuthorization)) ?? nil }
        return (try? m.credentials(.authorization)) ?? nil
    }

    static func read(_ ctx: ScriptContext, _ field: Field) -> ScriptValueView {
        let m = ctx.message
        guard let c = credentials(m) else { return .null }
        let b = m.bytes
        func text(_ r: Range<Int>?) -> ScriptValueView { r.map { .bytes(b, $0) } ?? .string("") }
        switch field {
        case .whole: return text(c.username)
        case .user, .domain:
            guard let u = c.username else { return .string("") }
            guard let at = b[u].firstIndex(of: UInt8(ascii: "@")) else { return field == .user ? .bytes(b, u) : .string("") }
            return field == .user ? .bytes(b, u.lowerBound..<at) : .bytes(b, (at + 1)..<u.upperBound)
        case .realm: return text(c.realm)
        case .uri: return CorePseudoVariables.nonEmpty(b, c.uri)
        case .algorithm: return text(c.algorithm)
        case .nonce: return text(c.nonce)
        case .cnonce: return text(c.cnonce)
        case .response: return text(c.response)
        case .opaque: return text(c.opaque)
        }
    }
}
