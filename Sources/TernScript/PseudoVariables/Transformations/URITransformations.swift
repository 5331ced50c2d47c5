import SIPCore

/// The `uri.` class: parts of a SIP/SIPS/tel URI given as text. A value that is not a URI
/// makes the transformation fail; a part that is absent is an empty string (`{uri.port}` of a
/// URI without a port prints nothing — Kamailio 5.6.3 also stores 0 when that is assigned to a
/// `$var`, which a value here cannot be both; it stays "").
enum URITransformations {
    static var all: [TransformationDeclaration] {
        [
            part("uri.user") { u in u.text(u.uri.user) },
            part("uri.host") { u in u.text(u.uri.host) },
            part("uri.passwd") { u in u.text(u.uri.password) },
            part("uri.port") { u in u.uri.port.map { .int($0) } ?? .string("") },
            part("uri.params") { u in u.text(u.uri.paramsRange) },
            part("uri.headers") { u in u.text(u.uri.headers) },
            part("uri.transport") { u in u.text(u.uri.transport) },
            part("uri.maddr") { u in u.text(u.uri.maddr) },
            part("uri.ttl") { u in u.parameter("ttl") },
            part("uri.uparam") { u in u.parameter("user") },
            part("uri.method") { u in u.parameter("method") },
            part("uri.lr") { u in u.parameter("lr") },
            part("uri.r2") { u in u.parameter("r2") },
            part("uri.scheme") { u in u.text(u.uri.schemeRange) },
            part("uri.tosocket") { u in
                guard let t = u.uri.transport, let proto = TransportProtocol(name: ByteText.string(u.bytes[t])) else {
                    return .string("")
                }
                return .string("\(proto.lowercaseName):\(ByteText.string(u.bytes[u.uri.host])):\(u.uri.port ?? 5060)")
            },
            // 5.6.3 writes a stray byte after the scheme in these three (`sip:lhost`); they
            // give the documented form.
            part("uri.duri") { u in .string(u.rebuilt(user: false, portAndTransport: true)) },
            part("uri.saor") { u in .string(u.rebuilt(user: true, portAndTransport: false)) },
            part("uri.suri") { u in .string(u.rebuilt(user: true, portAndTransport: true)) },
            TransformationDeclaration(name: "uri.param", parameterCounts: 1...1) { p, _ throws(Diagnostic) in
                let name = p[0]
                return { ctx, v in
                    guard let u = ParsedURI(v), let n = name.string(ctx) else { return .null }
                    return u.parameter(n)
                }
            },
        ]
    }

    private static func part(_ name: String, _ body: @escaping @Sendable (ParsedURI) -> ScriptValue) -> TransformationDeclaration {
        TransformationDeclaration(name: name) { _, _ throws(Diagnostic) in
            { _, v in ParsedURI(v).map(body) ?? .null }
        }
    }
}

/// A URI parsed from a script value, with its bytes.
struct ParsedURI {
    let bytes: [UInt8]
    let uri: SIPURI

    /// Nil when the value is null, empty or not a URI. One `;` at the end is tolerated.
    init?(_ value: ScriptValue) {
        guard !value.isNull else { return nil }
        var b = Array(value.stringValue.utf8)
        if b.count > 4, b.last == UInt8(ascii: ";") { b.removeLast() }
        guard !b.isEmpty, let uri = try? SIPURI.parse(b, 0..<b.count) else { return nil }
        self.bytes = b
        self.uri = uri
    }

    func text(_ range: Range<Int>?) -> ScriptValue {
        guard let range else { return .string("") }
        return .string(ByteText.string(bytes[range]))
    }

    /// The value of a URI parameter (name without regard to case); "" when absent or valueless.
    func parameter(_ name: String) -> ScriptValue {
        for p in uri.params(in: bytes) where ByteText.equalIgnoringCase(bytes[p.name], name) {
            return text(p.value)
        }
        return .string("")
    }

    func rebuilt(user: Bool, portAndTransport: Bool) -> String {
        var out = Array(bytes[uri.schemeRange])
        out.append(UInt8(ascii: ":"))
        if user, let u = uri.user, !u.isEmpty {
            out += bytes[u]
            out.append(UInt8(ascii: "@"))
        }
        out += bytes[uri.host]
        if portAndTransport {
            if let port = uri.port { out += Array(":\(port)".utf8) }
            if let t = uri.transport, !t.isEmpty {
                out += Array(";transport=".utf8)
                out += bytes[t]
            }
        }
        return ByteText.string(out)
    }
}
