import SIPCore

/// The R-URI rewrites of Kamailio's core (action.c, SET_*_T): the URI is rebuilt part by part
/// — scheme, user, password, host, port, parameters, headers — with one part replaced. Checked
/// against Kamailio 5.6.3 for every operation (see CoreFunctionURITests).
enum RequestURIRewrite {
    enum Operation: Equatable {
        case setHost(String)
        /// `sethostport("h:p")`: the text replaces the host and the old port goes.
        case setHostPort(String)
        /// Like setHostPort, and the `transport` parameter goes too.
        case setHostPortTransport(String)
        /// Replaces the user and keeps the password.
        case setUser(String)
        /// `setuserpass("u:p")`: the text replaces user and password.
        case setUserPassword(String)
        /// An empty port removes it.
        case setPort(String)
        case prefix(String)
        case strip(Int)
        case stripTail(Int)
        case userPhone
    }

    enum Failure: Error, Equatable {
        /// A tel: URI has no port to set.
        case telPort
    }

    struct Result: Equatable {
        var uri: String
        /// Kamailio's warning for a strip longer than the user part (the user goes whole).
        var warning: String?
    }

    static func apply(_ operation: Operation, to bytes: [UInt8], _ uri: SIPURI) throws(Failure) -> Result {
        func text(_ range: Range<Int>?) -> [UInt8]? {
            guard let range, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
            return Array(bytes[range])
        }
        let isTel = uri.scheme == .tel
        let params = uri.params(in: bytes)
        let hasUserPhone = params.contains { p in
            text(p.name).map(asciiLowercased) == Array("user".utf8) && text(p.value) == Array("phone".utf8)
        }
        let setsHost: Bool
        switch operation {
        case .setHost, .setHostPort, .setHostPortTransport: setsHost = true
        default: setsHost = false
        }
        if operation == .userPhone, isTel || hasUserPhone {
            return Result(uri: String(decoding: bytes[uri.whole], as: UTF8.self), warning: nil)
        }
        if case .setPort = operation, isTel { throw .telPort }

        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 32)
        var warning: String?

        // Scheme: tel becomes sip once it gets a host; schemes Tern does not parse become sip.
        switch uri.scheme {
        case .sip: out += Array("sip".utf8)
        case .sips: out += Array("sips".utf8)
        case .tel: out += Array((setsHost ? "sip" : "tel").utf8)
        case .other: out += Array("sip".utf8)
        }
        out.append(UInt8(ascii: ":"))

        var hasUser = false
        if case .prefix(let p) = operation {
            out += Array(p.utf8)
            hasUser = true
        }
        let user = text(uri.user) ?? []
        var userPart: [UInt8]
        switch operation {
        case .setUser(let u), .setUserPassword(let u):
            userPart = Array(u.utf8)
        case .strip(let n):
            if n > user.count {
                warning = "too long strip asked; deleting username: \(n) of <\(String(decoding: user, as: UTF8.self))>"
            }
            userPart = n >= user.count ? [] : Array(user[n...])
        case .stripTail(let n):
            if n > user.count {
                warning = "too long strip_tail asked; deleting username: \(n) of <\(String(decoding: user, as: UTF8.self))>"
            }
            userPart = n >= user.count ? [] : Array(user[..<(user.count - n)])
        default:
            userPart = user
        }
        if !userPart.isEmpty {
            out += userPart
            hasUser = true
        }
        // The password stays only while there is a user in front of it.
        var keepsPassword = true
        if case .setUserPassword = operation { keepsPassword = false }
        if keepsPassword, hasUser, let password = text(uri.password) {
            out.append(UInt8(ascii: ":"))
            out += password
        }
        if isTel, let telParams = text(uri.paramsRange) {
            out.append(UInt8(ascii: ";"))
            out += telParams
        }

        let host: [UInt8]?
        switch operation {
        case .setHost(let h), .setHostPort(let h), .setHostPortTransport(let h): host = Array(h.utf8)
        default: host = isTel ? nil : text(uri.host)
        }
        if let host {
            if hasUser { out.append(UInt8(ascii: "@")) }
            out += host
        }

        switch operation {
        case .setHostPort, .setHostPortTransport:
            break
        case .setPort(let p):
            if !p.isEmpty {
                out.append(UInt8(ascii: ":"))
                out += Array(p.utf8)
            }
        default:
            if let port = portText(bytes, uri) {
                out.append(UInt8(ascii: ":"))
                out += port
            }
        }

        if !isTel, let all = uri.paramsRange {
            if case .setHostPortTransport = operation {
                // Every parameter but transport, in their order.
                for p in params where text(p.name).map(asciiLowercased) != Array("transport".utf8) {
                    out.append(UInt8(ascii: ";"))
                    out += bytes[p.name.lowerBound ..< (p.value?.upperBound ?? p.name.upperBound)]
                }
            } else if let t = text(all) {
                out.append(UInt8(ascii: ";"))
                out += t
            }
        }
        if (isTel && setsHost) || operation == .userPhone {
            out += Array(";user=phone".utf8)
        }
        if let headers = text(uri.headers) {
            out.append(UInt8(ascii: "?"))
            out += headers
        }
        return Result(uri: String(decoding: out, as: UTF8.self), warning: warning)
    }

    /// The port as written after the host (`05060` stays `05060`).
    private static func portText(_ bytes: [UInt8], _ uri: SIPURI) -> [UInt8]? {
        guard uri.port != nil else { return nil }
        var i = uri.host.upperBound
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return i > start ? Array(bytes[start ..< i]) : nil
    }

    private static func asciiLowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
    }
}
