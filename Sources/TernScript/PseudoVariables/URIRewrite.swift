import SIPCore

/// Changes one part of the current R-URI (`$rU = ...`, `$rd = ...`, `$rp = ...`) by rebuilding
/// its text around the part's byte range.
enum URIRewrite {
    static func setUser(_ ctx: ScriptContext, _ user: String?) {
        rewrite(ctx) { bytes, uri in
            if let u = uri.user {
                // Replace user (and password) up to the '@'.
                var end = u.upperBound
                if let p = uri.password { end = p.upperBound }
                guard let user, !user.isEmpty else {
                    return (u.lowerBound..<min(bytes.count, end + 1), [])
                }
                return (u.lowerBound..<end, Array(user.utf8))
            }
            guard let user, !user.isEmpty else { return nil }
            return (uri.host.lowerBound..<uri.host.lowerBound, Array(user.utf8) + [UInt8(ascii: "@")])
        }
    }

    static func setHost(_ ctx: ScriptContext, _ host: String) {
        rewrite(ctx) { _, uri in (uri.host, Array(host.utf8)) }
    }

    static func setPort(_ ctx: ScriptContext, _ port: String?) {
        rewrite(ctx) { bytes, uri in
            var end = uri.host.upperBound
            if end < bytes.count, bytes[end] == UInt8(ascii: ":") {
                end += 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            }
            let existing = uri.host.upperBound..<end
            guard let port, !port.isEmpty, port != "0" else { return (existing, []) }
            return (existing, [UInt8(ascii: ":")] + Array(port.utf8))
        }
    }

    private static func rewrite(_ ctx: ScriptContext, _ edit: ([UInt8], SIPURI) -> (Range<Int>, [UInt8])?) {
        let result: [UInt8]? = ctx.withCurrentRequestURI { bytes, uri in
            guard let (range, replacement) = edit(bytes, uri),
                uri.whole.lowerBound <= range.lowerBound, range.lowerBound <= range.upperBound,
                range.upperBound <= uri.whole.upperBound, uri.whole.upperBound <= bytes.count
            else { return nil }
            var out = Array(bytes[uri.whole.lowerBound..<range.lowerBound])
            out += replacement
            out += bytes[range.upperBound..<uri.whole.upperBound]
            return out
        }
        if let result { ctx.newRequestURI = String(decoding: result, as: UTF8.self) }
    }
}
