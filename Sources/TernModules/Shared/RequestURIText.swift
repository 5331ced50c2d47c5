// Shared by textops and siputils: the R-URI as the script currently sees it (rewritten by
// `$ru = …`, subst_uri, add_uri_param …, else the request line's), as bytes with its parsed view.
import SIPCore
import TernScript

struct RequestURIText {
    let bytes: [UInt8]
    /// Nil when the text does not parse as a URI.
    let uri: SIPURI?

    /// Nil for replies.
    init?(_ context: ScriptContext) {
        if let text = context.newRequestURI {
            bytes = Array(text.utf8)
        } else {
            let message = context.message
            guard message.kind == .request else { return nil }
            bytes = Array(message.bytes[message.requestURIRange])
        }
        uri = try? SIPURI.parse(bytes, 0 ..< bytes.count)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}

extension RequestURIText {
    /// The URI with its user part replaced, built as Kamailio's setuser() builds it: an empty
    /// user drops the userinfo (password included); sip/sips/tel only.
    func replacingUser(with user: [UInt8]) -> [UInt8]? {
        guard let uri else { return nil }
        var out: [UInt8] = []
        switch uri.scheme {
        case .sip: out += Array("sip:".utf8)
        case .sips: out += Array("sips:".utf8)
        case .tel:
            out += Array("tel:".utf8)
            out += user
            if let params = uri.paramsRange { out.append(UInt8(ascii: ";")); out += bytes[params] }
            return out
        case .other: return nil
        }
        if !user.isEmpty {
            out += user
            if let password = uri.password {
                out.append(UInt8(ascii: ":"))
                out += bytes[password]
            }
            out.append(UInt8(ascii: "@"))
        }
        out += bytes[uri.host.lowerBound...]
        return out
    }
}
