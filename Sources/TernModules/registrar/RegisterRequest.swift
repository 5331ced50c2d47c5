import SIPCore
import TernScript

/// One Contact of a REGISTER, as the registrar needs it.
struct RegisterContact: Sendable {
    var uri: String
    /// The `expires` parameter: nil when absent or empty; `.invalid` when not a number.
    var expires: ExpiresParameter
    /// q in thousandths; nil when absent.
    var q: Int?
    var qInvalid = false
    var received: String?
    var instance: String?
    var regID: Int?

    enum ExpiresParameter: Sendable, Equatable {
        case absent
        case invalid
        case seconds(Int)
    }
}

/// What a REGISTER says, read once before any lock is taken (RFC 3261 §10.3 steps 3–7 need
/// all of it). Errors carry Kamailio's registrar error number.
struct RegisterRequest: Sendable {
    var aor: String
    var toHost: String
    var callID: String
    var cseq: Int
    /// The Expires header in seconds; nil when absent.
    var expiresHeader: Int?
    var isStar: Bool
    var contacts: [RegisterContact]
    /// RFC 3327 Path values joined with `,`; "" when none or use_path is off.
    var path: String
    /// The `received` parameter of the first Path URI, unescaped ("" when none).
    var pathReceived: String
    var supportsPath: Bool
    var userAgent: String
    /// Kamailio's method bitmask from Allow; -1 when the REGISTER has no Allow.
    var methods: Int

    static func parse(
        _ message: SIPMessage, aorURI: String?, settings: RegistrarSettings, useDomain: Bool
    ) -> Result<RegisterRequest, RegistrarError> {
        let bytes = message.bytes
        // The AOR: the To URI, or the URI the script gave.
        let aor: String
        let toHost: String
        if let aorURI {
            let uriBytes = Array(aorURI.utf8)
            guard let uri = try? SIPURI.parse(uriBytes, 0 ..< uriBytes.count), uri.scheme != .other,
                  let key = LocationAOR.make(uri, in: uriBytes, useDomain: useDomain, caseSensitive: settings.caseSensitive)
            else { return .failure(.aorParse) }
            aor = key
            toHost = uri.hostString(in: uriBytes)
        } else {
            guard message.firstHeader(.to) != nil else { return .failure(.toMissing) }
            guard let to = try? message.to() else { return .failure(.aorParse) }
            guard let key = LocationAOR.make(to.uri, in: bytes, useDomain: useDomain, caseSensitive: settings.caseSensitive)
            else { return .failure(.aorParse) }
            aor = key
            toHost = to.uri.hostString(in: bytes)
        }
        guard message.firstHeader(.callID) != nil, let callIDRange = try? message.callIDRange() else {
            return .failure(.callIDMissing)
        }
        let callID = message.string(callIDRange)
        guard callID.utf8.count <= 255 else { return .failure(.callIDTooLong) }
        guard message.firstHeader(.cseq) != nil, let cseq = try? message.cseq() else { return .failure(.cseqMissing) }

        var expiresHeader: Int?
        if let field = message.firstHeader(.expires) {
            guard let value = Self.seconds(bytes, field.valueRange) else { return .failure(.expiresParse) }
            expiresHeader = value
        }

        // A `*` must stand alone, with Expires: 0 (RFC 3261 §10.2.2).
        var starLines = 0
        var contactLines = 0
        for field in message.headers where field.name == .contact {
            contactLines += 1
            let value = bytes[field.valueRange]
            if value.count == 1 && value.first == UInt8(ascii: "*") { starLines += 1 }
        }
        if starLines > 0 {
            guard expiresHeader == 0 else { return .failure(.starExpiresNotZero) }
            guard contactLines == 1 else { return .failure(.starWithOthers) }
        }
        var contacts: [RegisterContact] = []
        if starLines == 0 {
            guard let list = try? message.contacts() else { return .failure(.contactParse) }
            for nameAddr in list.values {
                let uri = message.string(nameAddr.uri.whole)
                guard uri.utf8.count <= settings.contactMaxSize else { return .failure(.contactTooLong) }
                var contact = RegisterContact(uri: uri, expires: .absent)
                // One pass over the parameters, names compared as bytes.
                for param in nameAddr.params(in: bytes) {
                    guard let value = param.value else { continue }
                    switch ParamName(bytes, param.name) {
                    case .expires:
                        if contact.expires == .absent && !value.isEmpty {
                            contact.expires = Self.seconds(bytes, value).map { .seconds($0) } ?? .invalid
                        }
                    case .q:
                        if contact.q == nil && !contact.qInvalid && !value.isEmpty {
                            if let q = Self.qValue(bytes, value) { contact.q = q } else { contact.qInvalid = true }
                        }
                    case .received:
                        let text = Self.unquoted(message.string(value))
                        guard text.utf8.count <= 255 else { return .failure(.contactTooLong) }
                        if contact.received == nil { contact.received = text }
                    case .instance:
                        if contact.instance == nil { contact.instance = Self.unquoted(message.string(value)) }
                    case .regID:
                        guard let id = Self.seconds(bytes, value), id > 0 else { return .failure(.invalidRegID) }
                        if contact.regID == nil { contact.regID = id }
                    case .other:
                        break
                    }
                }
                contacts.append(contact)
            }
        }

        var path = ""
        var pathReceived = ""
        if settings.usePath {
            var pieces: [String] = []
            for field in message.headers where field.name == .path {
                pieces.append(message.string(field.valueRange))
            }
            if !pieces.isEmpty {
                guard let first = (try? message.nameAddrs(.path))?.first else { return .failure(.pathParse) }
                path = pieces.joined(separator: ",")
                if let received = first.uri.param(named: "received", in: bytes), let value = received.value {
                    pathReceived = PercentText.decode(message.string(value))
                }
            }
        }
        let supportsPath = message.listValues(.supported).contains { range in
            message.string(range).lowercased() == "path"
        }
        var userAgent = "n/a"
        if let field = message.firstHeader(.userAgent), !field.valueRange.isEmpty, field.valueRange.count < 255 {
            userAgent = message.string(field.valueRange)
        }
        var methods = -1
        if message.firstHeader(.allow) != nil {
            methods = 0
            for range in message.listValues(.allow) { methods |= MethodMask.bit(message.string(range)) }
        }
        return .success(RegisterRequest(
            aor: aor, toHost: toHost, callID: callID, cseq: Int(cseq.number), expiresHeader: expiresHeader,
            isStar: starLines > 0, contacts: contacts, path: path, pathReceived: pathReceived,
            supportsPath: supportsPath, userAgent: userAgent, methods: methods))
    }

    /// An Expires value: digits with surrounding blanks; values beyond 2^32-1 are clamped.
    static func seconds(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var value = 0
        var digits = 0
        var ended = false
        for i in range {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                guard !ended else { return nil }
                value = min(value * 10 + Int(b - 48), Int(UInt32.max))
                digits += 1
            } else if b == 32 || b == 9 || b == 13 || b == 10 {
                if digits > 0 { ended = true }
            } else {
                return nil
            }
        }
        return digits > 0 ? value : nil
    }

    /// A q-value ("0.5", "1", "1.000") in thousandths; nil when malformed or above 1.
    static func qValue(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end, bytes[i] == UInt8(ascii: "0") || bytes[i] == UInt8(ascii: "1") else { return nil }
        let whole = Int(bytes[i] - 48)
        i += 1
        var fraction = 0
        var digits = 0
        if i < end {
            guard bytes[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            while i < end {
                let d = bytes[i] &- 48
                guard d < 10, digits < 3 else { return nil }
                fraction = fraction * 10 + Int(d)
                digits += 1
                i += 1
            }
        }
        while digits < 3 { fraction *= 10; digits += 1 }
        let value = whole * 1000 + fraction
        return value <= 1000 ? value : nil
    }

    static func unquoted(_ text: String) -> String {
        guard text.utf8.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast())
    }
}

/// The Contact parameters the registrar reads, recognised from their bytes.
enum ParamName {
    case expires, q, received, instance, regID, other

    init(_ bytes: [UInt8], _ range: Range<Int>) {
        func matches(_ name: StaticString) -> Bool {
            guard range.count == name.utf8CodeUnitCount else { return false }
            return name.withUTF8Buffer { wanted in
                var i = 0
                for b in bytes[range] {
                    let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
                    if lower != wanted[i] { return false }
                    i += 1
                }
                return true
            }
        }
        switch range.count {
        case 1: self = matches("q") ? .q : .other
        case 6: self = matches("reg-id") ? .regID : .other
        case 7: self = matches("expires") ? .expires : .other
        case 8: self = matches("received") ? .received : .other
        case 13: self = matches("+sip.instance") ? .instance : .other
        default: self = .other
        }
    }
}

/// Kamailio's method bits (METHOD_INVITE = 1 …) for Allow and method filtering.
enum MethodMask {
    static func bit(_ name: String) -> Int {
        switch name.uppercased() {
        case "INVITE": return 1
        case "CANCEL": return 2
        case "ACK": return 4
        case "BYE": return 8
        case "INFO": return 16
        case "REGISTER": return 32
        case "SUBSCRIBE": return 64
        case "NOTIFY": return 128
        case "MESSAGE": return 256
        case "OPTIONS": return 512
        case "PRACK": return 1024
        case "UPDATE": return 2048
        case "REFER": return 4096
        case "PUBLISH": return 8192
        case "KDMQ": return 16384
        default: return KamailioMethodID.other
        }
    }
}

/// `%xx` escapes resolved (a Path URI's `received` parameter is an escaped URI).
enum PercentText {
    static func decode(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            case 97...102: return b - 87
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
