// siputils functions on URIs given as text: is_uri, tel2sip, set_uri_user, set_uri_host,
// cmp_uri, cmp_aor, cmp_hdr_name. Comparisons return 1 (equal), -1 (differ) or -2 (a URI
// does not parse, or the first sorts before the second).
import SIPCore
import TernScript

enum SIPUtilsURIText {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "is_uri", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let text = try args[0].formatString()
                return { ctx in ParsedURI(text.evaluate(ctx)) != nil ? 1 : -1 }
            },
            FunctionDeclaration(
                name: "tel2sip", argumentCounts: 3...3, routeTypes: [.request, .failure, .branch, .onReply, .coreReply],
                argumentKinds: [.format, .format, .pseudoVariable]
            ) { args, _ throws(Diagnostic) in
                let uri = try args[0].formatString()
                let host = try args[1].formatString()
                let target = try args[2].pseudoVariable()
                return { ctx in
                    guard let result = tel2sip(uri.evaluate(ctx), host: host.evaluate(ctx)) else { return 2 }
                    _ = target.set(ctx, .string(result))
                    return 1
                }
            },
            FunctionDeclaration(
                name: "set_uri_user", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.pseudoVariable, .literal]
            ) { args, _ throws(Diagnostic) in
                let target = try args[0].pseudoVariable()
                let value = try args[1].pseudoVariable(writable: false)
                return { ctx in
                    guard case .string(let uri) = stringValue(target.get(ctx)), !uri.isEmpty,
                          case .string(let user) = stringValue(value.get(ctx))
                    else { return -1 }
                    guard let result = settingUser(Array(uri.utf8), Array(user.utf8)) else { return -1 }
                    if let result { _ = target.set(ctx, .string(String(decoding: result, as: UTF8.self))) }
                    return 1
                }
            },
            FunctionDeclaration(
                name: "set_uri_host", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.pseudoVariable, .literal]
            ) { args, _ throws(Diagnostic) in
                let target = try args[0].pseudoVariable()
                let value = try args[1].pseudoVariable(writable: false)
                return { ctx in
                    guard case .string(let uri) = stringValue(target.get(ctx)), !uri.isEmpty,
                          case .string(let host) = stringValue(value.get(ctx)), !host.isEmpty,
                          let result = settingHost(Array(uri.utf8), Array(host.utf8))
                    else { return -1 }
                    _ = target.set(ctx, .string(String(decoding: result, as: UTF8.self)))
                    return 1
                }
            },
            comparison("cmp_uri") { a, b in
                guard let x = ParsedURI(a), let y = ParsedURI(b) else { return -2 }
                return x.equalsPerRFC3261(y) ? 1 : -1
            },
            comparison("cmp_aor") { a, b in
                guard let x = ParsedURI(a), let y = ParsedURI(b) else { return -2 }
                return x.sameAddressOfRecord(y) ? 1 : -1
            },
            comparison("cmp_hdr_name") { a, b in
                let x = a.trimmingTrailingBlanks
                let y = b.trimmingTrailingBlanks
                let kx = HeaderName(name: x)
                let ky = HeaderName(name: y)
                if kx != .other || ky != .other { return kx == ky ? 1 : -1 }
                let a = x.utf8.map(asciiLower)
                let b = y.utf8.map(asciiLower)
                if a == b { return 1 }
                return a.lexicographicallyPrecedes(b) ? -2 : -1
            },
        ]
    }

    private static func comparison(_ name: String, _ body: @escaping @Sendable (String, String) -> Int) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 2...2, routeTypes: .any) { args, _ throws(Diagnostic) in
            let a = try args[0].formatString()
            let b = try args[1].formatString()
            return { ctx in body(a.evaluate(ctx), b.evaluate(ctx)) }
        }
    }

    /// A pseudo-variable's value as text: ints print in decimal (Kamailio keeps both forms),
    /// null stays null.
    static func stringValue(_ value: ScriptValue) -> ScriptValue {
        switch value {
        case .int(let i): return .string(String(i))
        default: return value
        }
    }

    /// `tel:+1-201-555-0123;ext=1` → `sip:+12015550123;ext=1@host;user=phone`: visual separators
    /// dropped from the number, everything lower-cased. Nil when the URI is not a tel URI.
    static func tel2sip(_ uri: String, host: String) -> String? {
        let bytes = Array(uri.utf8)
        guard bytes.count >= 4, bytes[0 ..< 4].map(asciiLower).elementsEqual("tel:".utf8) else { return nil }
        var clean: [UInt8] = []
        var inParameters = false
        for b in bytes[4...] {
            if b == UInt8(ascii: ";") { inParameters = true }
            if !inParameters && (b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "(") || b == UInt8(ascii: ")")) {
                continue
            }
            clean.append(asciiLower(b))
        }
        return "sip:" + String(decoding: clean, as: UTF8.self) + "@" + host + ";user=phone"
    }

    /// set_uri_user: the user part replaced (an empty user removes it). Nil when the text has
    /// no ':'; `.some(nil)` when nothing changes.
    static func settingUser(_ uri: [UInt8], _ user: [UInt8]) -> [UInt8]?? {
        guard let colon = uri.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let at = uri.firstIndex(of: UInt8(ascii: "@"))
        guard let at else {
            if user.isEmpty { return .some(nil) }
            return Array(uri[...colon]) + user + [UInt8(ascii: "@")] + Array(uri[(colon + 1)...])
        }
        if user.isEmpty { return Array(uri[...colon]) + Array(uri[(at + 1)...]) }
        return Array(uri[...colon]) + user + Array(uri[at...])
    }

    /// set_uri_host: the host (up to ':', ';' or '?') replaced.
    static func settingHost(_ uri: [UInt8], _ host: [UInt8]) -> [UInt8]? {
        guard let colon = uri.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let next = uri[(colon + 1)...].firstIndex(of: UInt8(ascii: "@")).map { $0 + 1 } ?? colon + 1
        var end = next
        while end < uri.count && ![UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "?")].contains(uri[end]) { end += 1 }
        return Array(uri[..<next]) + host + Array(uri[end...])
    }
}
