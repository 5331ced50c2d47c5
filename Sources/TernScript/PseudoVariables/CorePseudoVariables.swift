import SIPCore

/// The pseudo-variables TernScript provides itself (spec §3.2): message, URI, network, time and
/// control values, `$var`, `$hdr`. Module pseudo-variables come from module declarations.
enum CorePseudoVariables {
    static var all: [PseudoVariableDeclaration] {
        requestPseudoVariables + addressPseudoVariables + networkPseudoVariables + controlPseudoVariables
            + timePseudoVariables + [variable, header, headerCount]
    }

    private static func readOnly(_ names: [String], _ get: @escaping @Sendable (ScriptContext) -> ScriptValue) -> [PseudoVariableDeclaration] {
        names.map { PseudoVariableDeclaration(name: $0, get: get) }
    }

    private static func writable(
        _ names: [String], get: @escaping @Sendable (ScriptContext) -> ScriptValue,
        set: @escaping @Sendable (ScriptContext, ScriptValue) -> Void
    ) -> [PseudoVariableDeclaration] {
        names.map { name in
            PseudoVariableDeclaration(name: name, innerName: .none) { _ throws(Diagnostic) in
                PseudoVariableAccessors(get: get, set: set)
            }
        }
    }

    @inline(__always) static func text(_ message: SIPMessage, _ range: Range<Int>?) -> ScriptValue {
        guard let range else { return .null }
        return .string(message.string(range))
    }

    @inline(__always) static func text(_ bytes: [UInt8], _ range: Range<Int>?) -> ScriptValue {
        guard let range, range.lowerBound >= 0, range.upperBound <= bytes.count else { return .null }
        return .string(String(decoding: bytes[range], as: UTF8.self))
    }

    // MARK: - Request line and R-URI

    static var requestPseudoVariables: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += readOnly(["rm"]) { ctx in
            let m = ctx.message
            if let name = m.method.name { return .string(name) }
            return m.methodRange.isEmpty ? .null : .string(m.string(m.methodRange))
        }
        out += writable(["ru", "ruri"], get: { ctx in
            ctx.currentRequestURIText.map { .string($0) } ?? .null
        }, set: { ctx, v in
            ctx.newRequestURI = v.isNull ? nil : v.stringValue
        })
        out += writable(["rU", "ruri.user"], get: { ctx in
            ctx.withCurrentRequestURI { bytes, uri in text(bytes, uri.user) } ?? .null
        }, set: { ctx, v in
            URIRewrite.setUser(ctx, v.isNull ? nil : v.stringValue)
        })
        out += writable(["rd", "ruri.domain"], get: { ctx in
            ctx.withCurrentRequestURI { bytes, uri in text(bytes, uri.host) } ?? .null
        }, set: { ctx, v in
            if !v.isNull { URIRewrite.setHost(ctx, v.stringValue) }
        })
        out += writable(["rp"], get: { ctx in
            // A port that is absent reads as 5060, and the value is string-typed (spec §9).
            ctx.withCurrentRequestURI { _, uri in ScriptValue.string(String(uri.port ?? 5060)) } ?? .null
        }, set: { ctx, v in
            URIRewrite.setPort(ctx, v.isNull ? nil : v.stringValue)
        })
        out += readOnly(["rz"]) { ctx in
            ctx.withCurrentRequestURI { bytes, uri in ScriptValue.string(uri.schemeString(in: bytes)) } ?? .null
        }
        out += readOnly(["rP"]) { ctx in
            ctx.withCurrentRequestURI { bytes, uri in uri.transport.map { .string(String(decoding: bytes[$0], as: UTF8.self).lowercased()) } ?? .string("udp") } ?? .null
        }
        out += readOnly(["ou", "ouri"]) { ctx in
            ctx.message.kind == .response ? .null : .string(ctx.message.string(ctx.message.requestURIRange))
        }
        out += readOnly(["oU"]) { ctx in ctx.withOriginalRequestURI { bytes, uri in text(bytes, uri.user) } ?? .null }
        out += readOnly(["od"]) { ctx in ctx.withOriginalRequestURI { bytes, uri in text(bytes, uri.host) } ?? .null }
        out += readOnly(["op"]) { ctx in ctx.withOriginalRequestURI { _, uri in ScriptValue.string(String(uri.port ?? 5060)) } ?? .null }
        out += writable(["du", "duri"], get: { ctx in
            ctx.destinationURI.map { .string($0) } ?? .null
        }, set: { ctx, v in
            ctx.destinationURI = v.isNull ? nil : v.stringValue
        })
        out += readOnly(["rv"]) { ctx in text(ctx.message, ctx.message.versionRange) }
        out += readOnly(["rs"]) { ctx in ctx.message.kind == .response ? .string(String(ctx.message.statusCode)) : .null }
        out += readOnly(["rr"]) { ctx in ctx.message.kind == .response ? text(ctx.message, ctx.message.reasonRange) : .null }
        out += readOnly(["mt"]) { ctx in .int(ctx.message.kind == .response ? 2 : 1) }
        out += readOnly(["ml"]) { ctx in .int(ctx.message.bytes.count) }
        out += readOnly(["mb"]) { ctx in .string(String(decoding: ctx.message.bytes, as: UTF8.self)) }
        out += readOnly(["rb"]) { ctx in ctx.message.bodyRange.isEmpty ? .null : text(ctx.message, ctx.message.bodyRange) }
        out += readOnly(["cl"]) { ctx in
            (try? ctx.message.contentLength()).flatMap { $0 }.map { .int($0) } ?? .int(ctx.message.bodyRange.count)
        }
        out += readOnly(["cT"]) { ctx in text(ctx.message, ctx.message.firstHeader(.contentType)?.valueRange) }
        out += readOnly(["ci"]) { ctx in
            guard let r = try? ctx.message.callIDRange() else { return .null }
            return .string(ctx.message.string(r))
        }
        out += readOnly(["cs"]) { ctx in
            // String-typed like Kamailio's: `$cs + 1` concatenates (spec §9).
            guard let c = try? ctx.message.cseq() else { return .null }
            return .string(String(c.number))
        }
        out += readOnly(["csb"]) { ctx in text(ctx.message, ctx.message.firstHeader(.cseq)?.valueRange) }
        out += readOnly(["ua"]) { ctx in text(ctx.message, ctx.message.firstHeader(.userAgent)?.valueRange) }
        out += readOnly(["ct"]) { ctx in
            guard case .contacts(let list)? = try? ctx.message.contacts() else {
                return text(ctx.message, ctx.message.firstHeader(.contact)?.valueRange)
            }
            return list.first.map { text(ctx.message, $0.whole) } ?? .null
        }
        out += readOnly(["hu"]) { ctx in
            ctx.message.kind == .httpRequest ? text(ctx.message, ctx.message.requestURIRange) : .null
        }
        return out
    }

    // MARK: - From / To / auth

    static var addressPseudoVariables: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += readOnly(["fu", "from"]) { ctx in from(ctx).map { text(ctx.message, $0.uri.whole) } ?? .null }
        out += readOnly(["fU", "from.user"]) { ctx in from(ctx).map { text(ctx.message, $0.uri.user) } ?? .null }
        out += readOnly(["fd", "from.domain"]) { ctx in from(ctx).map { text(ctx.message, $0.uri.host) } ?? .null }
        out += readOnly(["fn"]) { ctx in from(ctx).map { text(ctx.message, $0.displayName) } ?? .null }
        out += readOnly(["ft"]) { ctx in from(ctx).map { text(ctx.message, $0.tag) } ?? .null }
        out += readOnly(["tu", "to"]) { ctx in to(ctx).map { text(ctx.message, $0.uri.whole) } ?? .null }
        out += readOnly(["tU", "to.user"]) { ctx in to(ctx).map { text(ctx.message, $0.uri.user) } ?? .null }
        out += readOnly(["td", "to.domain"]) { ctx in to(ctx).map { text(ctx.message, $0.uri.host) } ?? .null }
        out += readOnly(["tn"]) { ctx in to(ctx).map { text(ctx.message, $0.displayName) } ?? .null }
        out += readOnly(["tt"]) { ctx in to(ctx).map { text(ctx.message, $0.tag) } ?? .null }

        out += readOnly(["au"]) { ctx in credentials(ctx).map { text(ctx.message, $0.username) } ?? .null }
        out += readOnly(["aU"]) { ctx in
            guard let u = credentials(ctx).flatMap({ $0.username }) else { return .null }
            let s = ctx.message.string(u)
            return .string(s.split(separator: "@", maxSplits: 1).first.map(String.init) ?? s)
        }
        out += readOnly(["ad"]) { ctx in
            guard let u = credentials(ctx).flatMap({ $0.username }) else { return .null }
            let s = ctx.message.string(u)
            guard let at = s.firstIndex(of: "@") else { return .null }
            return .string(String(s[s.index(after: at)...]))
        }
        out += readOnly(["ar"]) { ctx in credentials(ctx).map { text(ctx.message, $0.realm) } ?? .null }
        out += readOnly(["adu"]) { ctx in credentials(ctx).map { text(ctx.message, $0.uri) } ?? .null }
        out += readOnly(["aa"]) { ctx in credentials(ctx).map { text(ctx.message, $0.algorithm) } ?? .null }
        return out
    }

    private static func from(_ ctx: ScriptContext) -> NameAddr? { try? ctx.message.from() }
    private static func to(_ ctx: ScriptContext) -> NameAddr? { try? ctx.message.to() }

    /// Credentials: Authorization for REGISTER/PUBLISH, else Proxy-Authorization, falling back
    /// to whichever is present.
    private static func credentials(_ ctx: ScriptContext) -> DigestCredentials? {
        let m = ctx.message
        let first: HeaderName = (m.method == .register || m.method == .publish) ? .authorization : .proxyAuthorization
        let second: HeaderName = first == .authorization ? .proxyAuthorization : .authorization
        if let c = try? m.credentials(first) { return c }
        return (try? m.credentials(second)) ?? nil
    }

    // MARK: - Network

    static var networkPseudoVariables: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += readOnly(["si", "src_ip"]) { ctx in .string(ctx.receive.source.ip) }
        out += readOnly(["sp", "src_port"]) { ctx in .int(ctx.receive.source.port) }
        out += readOnly(["siz"]) { ctx in .string(ctx.receive.source.hostText) }
        out += readOnly(["su"]) { ctx in .string("sip:" + ctx.receive.source.description) }
        out += readOnly(["sut"]) { ctx in .string("sip:" + ctx.receive.source.description + ";transport=" + ctx.receive.proto.lowercaseName) }
        out += readOnly(["Ri"]) { ctx in .string(ctx.receive.local.ip) }
        out += readOnly(["Rp"]) { ctx in .int(ctx.receive.local.port) }
        out += readOnly(["Ru"]) { ctx in .string("sip:" + ctx.receive.local.description) }
        out += readOnly(["Rut"]) { ctx in .string("sip:" + ctx.receive.local.description + ";transport=" + ctx.receive.proto.lowercaseName) }
        out += readOnly(["pr", "proto"]) { ctx in .string(ctx.receive.proto.lowercaseName) }
        return out
    }

    // MARK: - Control

    static var controlPseudoVariables: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += readOnly(["rc", "retcode", "?"]) { ctx in .int(ctx.lastReturnCode) }
        out += readOnly(["null"]) { _ in .null }
        out += readOnly(["true"]) { _ in .int(1) }
        out += readOnly(["pp"]) { _ in .int(currentProcessID()) }
        out += readOnly(["RANDOM"]) { ctx in .int(ctx.worker.nextRandom()) }
        out += writable(["mf"], get: { ctx in .int(Int(Int32(bitPattern: ctx.messageFlags))) }, set: { ctx, v in
            ctx.messageFlags = UInt32(truncatingIfNeeded: v.intValue)
        })
        out += readOnly(["mF"]) { ctx in .string("0x" + String(ctx.messageFlags, radix: 16, uppercase: true)) }
        return out
    }

    // MARK: - Time

    static var timePseudoVariables: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += readOnly(["Ts"]) { ctx in .int(ctx.messageTime) }
        out += readOnly(["TS"]) { _ in .int(currentUnixTime()) }
        out += readOnly(["Tf"]) { ctx in .string(ctimeText(ctx.messageTime)) }
        out += readOnly(["TF"]) { _ in .string(ctimeText(currentUnixTime())) }
        return out
    }

    // MARK: - $var and $hdr

    /// `$var(name)`: per worker, starts as int 0, keeps its value across messages; `= $null`
    /// stores 0 (spec §3.3).
    static let variable = PseudoVariableDeclaration(name: "var", innerName: .required) { binding throws(Diagnostic) in
        let name = binding.inner ?? ""
        guard name.utf8.allSatisfy({ isIdentifierByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw binding.error("bad variable name '\(name)' in $var", hint: "use letters, digits and '_'")
        }
        let slot = VariableSlots.slot(for: name)
        return PseudoVariableAccessors(
            get: { ctx in ctx.worker.variable(slot) },
            set: { ctx, v in ctx.worker.setVariable(slot, v.isNull ? .int(0) : v) })
    }

    /// `$hdr(Name)`: the first header's value (compact forms match); `$(hdr(Name)[n])`,
    /// `[-1]` the last, `[*]` all joined with ",".
    static let header = PseudoVariableDeclaration(name: "hdr", innerName: .required) { binding throws(Diagnostic) in
        let inner = (binding.inner ?? "").trimmingBlanks
        if inner.hasPrefix("$") {
            let dynamic = try binding.bindPseudoVariable(inner)
            return headerAccessors { ctx in HeaderLookup(name: dynamic.get(ctx).stringValue) }
        }
        guard !inner.isEmpty, inner.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: ":") }) else {
            throw binding.error("bad header name '\(inner)' in $hdr")
        }
        let lookup = HeaderLookup(name: inner)
        return headerAccessors { _ in lookup }
    }

    private static func headerAccessors(_ lookup: @escaping (ScriptContext) -> HeaderLookup) -> PseudoVariableAccessors {
        PseudoVariableAccessors(
            get: { ctx in
                let m = ctx.message
                return lookup(ctx).first(in: m).map { .string(m.string($0.valueRange)) } ?? .null
            },
            getIndexed: { ctx, index in
                let m = ctx.message
                let fields = lookup(ctx).all(in: m)
                switch index {
                case .all:
                    return fields.isEmpty ? .null : .string(fields.map { m.string($0.valueRange) }.joined(separator: ","))
                case .position(let n):
                    let i = n < 0 ? fields.count + n : n
                    guard i >= 0, i < fields.count else { return .null }
                    return .string(m.string(fields[i].valueRange))
                }
            })
    }

    /// `$hdrc(Name)`: how many header lines have that name.
    static let headerCount = PseudoVariableDeclaration(name: "hdrc", innerName: .required) { binding throws(Diagnostic) in
        let lookup = HeaderLookup(name: (binding.inner ?? "").trimmingBlanks)
        return PseudoVariableAccessors(get: { ctx in .int(lookup.all(in: ctx.message).count) })
    }
}
