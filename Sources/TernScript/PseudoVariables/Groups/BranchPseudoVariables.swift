import SIPCore

/// The destination set (Kamailio 5.6.3 formats, checked): `$br` the first extra branch
/// (assigning appends one), `$bR` every branch URI (`<uri>;q=0.5` when a q is set, joined by
/// ", "), `$ds` the Contact-style list (`Contact: <sip:b1@…>;q=0.5, <sip:b2@…>`, the R-URI
/// first when the script rewrote it) and `$nh(key)`, the next hop ($du, else the R-URI).
enum BranchPseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += CorePseudoVariables.writable(["br"], view: { ctx in
            guard ctx.message.kind != .response, let b = ctx.branches.first else { return .null }
            return .string(b.uri)
        }, set: { ctx, v in
            guard case .string(let uri) = v, !uri.isEmpty else {
                ctx.worker.logger.error("$br: a URI is needed to add a branch")
                return
            }
            ctx.branches.append(ScriptBranch(uri: uri, socket: ctx.forcedSendSocket))
        })
        out += CorePseudoVariables.computed(["bR"]) { ctx in
            guard ctx.message.kind != .response, !ctx.branches.isEmpty else { return .null }
            return .string(ctx.branches.map { b in
                b.q.map { "<\(b.uri)>;q=\(qText($0))" } ?? b.uri
            }.joined(separator: ", "))
        }
        out += CorePseudoVariables.computed(["ds"]) { ctx in
            var contacts: [String] = []
            if let ruri = ctx.newRequestURI { contacts.append("<\(ruri)>") }
            for b in ctx.branches { contacts.append("<\(b.uri)>" + (b.q.map { ";q=" + qText($0) } ?? "")) }
            guard !contacts.isEmpty else { return .null }
            return .string("Contact: " + contacts.joined(separator: ", "))
        }
        out.append(nextHop)
        return out
    }

    /// A q-value in thousandths as Kamailio prints it: 1, 0, 0.5, 0.25, 0.125.
    static func qText(_ q: Int) -> String {
        if q >= 1000 { return "1" }
        if q <= 0 { return "0" }
        var digits = String(q)
        digits = String(repeating: "0", count: 3 - digits.utf8.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "0." + digits
    }

    enum Key: Sendable { case uri, user, domain, port, proto }

    static let nextHop = CorePseudoVariables.keyed(
        "nh", keys: ["u": Key.uri, "U": .user, "d": .domain, "p": .port, "P": .proto]
    ) { ctx, key in
        let text: String
        if let du = ctx.destinationURI {
            text = du
        } else if let ru = ctx.currentRequestURIText {
            text = ru
        } else {
            return .null
        }
        if key == .uri { return .string(text) }
        let b = Array(text.utf8)
        guard let uri = try? SIPURI.parse(b, 0..<b.count) else { return .null }
        switch key {
        case .uri: return .string(text)
        case .user: return CorePseudoVariables.nonEmpty(b, uri.user).value
        case .domain: return CorePseudoVariables.nonEmpty(b, uri.host).value
        case .port: return URIPseudoVariables.port(b, uri).value
        case .proto: return URIPseudoVariables.transport(b, uri).value
        }
    }
}
