#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import TernScript

/// One Contact of a REGISTER, as the registrar needs it.
struct RegisterContact: Sendable {
    /// Where the Contact URI (without `<>` and header parameters) lies in the request: a
    /// String is only made when a new binding stores it (a refresh keeps the stored one).
    var uri: Range<Int>
    /// The `expires` parameter: nil when absent or empty; `.invalid` when not a number.
    var expires: ExpiresParameter
    /// q in thousandths; nil when absent.
    var q: Int?
    var qInvalid = false
    /// The `received` and `+sip.instance` values, quotes stripped, as ranges of the request
    /// (plain values keep the struct free of references: copying it costs no retain).
    var received: Range<Int>?
    var instance: Range<Int>?
    var regID: Int?

    enum ExpiresParameter: Sendable, Equatable {
        case absent
        case invalid
        case seconds(Int)
    }
}

/// The Contacts of a REGISTER. Nearly every REGISTER has one, kept inline: an array is
/// only made for the second and later ones.
struct RegisterContacts: RandomAccessCollection, Sendable {
    private var head: RegisterContact?
    private var tail: [RegisterContact] = []

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { head == nil ? 0 : 1 + tail.count }

    subscript(position: Int) -> RegisterContact {
        if position == 0, let head { return head }
        return tail[position - 1]
    }

    mutating func append(_ contact: __owned RegisterContact) {
        if head == nil { head = contact } else { tail.append(contact) }
    }
}

/// What a REGISTER says, read once before any lock is taken (RFC 3261 §10.3 steps 3–7 need
/// all of it). Errors carry Kamailio's registrar error number. Values a binding stores are
/// kept as ranges of the request's bytes, turned into Strings only when a binding needs new
/// text (a refresh with the same Call-ID, User-Agent or Contact keeps the stored Strings).
struct RegisterRequest: Sendable {
    /// The request as received.
    let bytes: [UInt8]
    var aor: String
    var callID: Range<Int>
    var cseq: Int
    /// The Expires header in seconds; nil when absent.
    var expiresHeader: Int?
    var isStar: Bool
    var contacts: RegisterContacts
    /// RFC 3327 Path values joined with `,`; "" when none or use_path is off.
    var path: String
    /// The `received` parameter of the first Path URI, unescaped ("" when none).
    var pathReceived: String
    var supportsPath: Bool
    /// The User-Agent value; nil when absent, empty or too long (stored as "n/a").
    var userAgent: Range<Int>?
    /// Kamailio's method bitmask from Allow; -1 when the REGISTER has no Allow.
    var methods: Int

    /// The text of a range of the request.
    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range.clamped(to: 0 ..< bytes.count)], as: UTF8.self)
    }

    /// Whether a range of the request holds exactly the bytes of `text`.
    func same(_ range: Range<Int>, as text: String) -> Bool {
        let range = range.clamped(to: 0 ..< bytes.count)
        guard range.count == text.utf8.count else { return false }
        let same = text.utf8.withContiguousStorageIfAvailable { stored in
            bytes.withUnsafeBufferPointer { p in
                guard let a = p.baseAddress, let b = stored.baseAddress else { return true }
                return memcmp(a + range.lowerBound, b, range.count) == 0
            }
        }
        return same ?? bytes[range].elementsEqual(text.utf8)
    }

    var callIDText: String { text(callID) }
    var userAgentText: String {
        guard let userAgent else { return "n/a" }
        return text(userAgent)
    }

    static func parse(
        _ message: SIPMessage, aorURI: String?, rules: BindingRules
    ) throws(RegistrarError) -> RegisterRequest {
        let useDomain = rules.useDomain
        let bytes = message.bytes
        // One pass over the header lines finds what the checks below need.
        var hasTo = false
        var hasCallID = false
        var hasCSeq = false
        var expiresField: Range<Int>?
        var starLines = 0
        var contactLines = 0
        var hasPath = false
        var hasSupported = false
        var seenUserAgent = false
        var userAgentField: Range<Int>?
        var hasAllow = false
        for field in message.headers {
            switch field.name {
            case .to: hasTo = true
            case .callID: hasCallID = true
            case .cseq: hasCSeq = true
            case .expires: if expiresField == nil { expiresField = field.valueRange }
            case .contact:
                contactLines += 1
                let value = field.valueRange
                if value.count == 1 && bytes[value.lowerBound] == UInt8(ascii: "*") { starLines += 1 }
            case .path: hasPath = true
            case .supported: hasSupported = true
            case .userAgent:
                if !seenUserAgent {
                    seenUserAgent = true
                    userAgentField = field.valueRange
                }
            case .allow: hasAllow = true
            default: break
            }
        }

        // The AOR: the To URI, or the URI the script gave.
        let aor: String
        if let aorURI {
            let uriBytes = Array(aorURI.utf8)
            guard let uri = try? SIPURI.parse(uriBytes, 0 ..< uriBytes.count), uri.scheme != .other,
                  let key = LocationAOR.make(uri, in: uriBytes, useDomain: useDomain, caseSensitive: rules.registrar.caseSensitive)
            else { throw .aorParse }
            aor = key
        } else {
            guard hasTo else { throw .toMissing }
            guard let to = try? message.to() else { throw .aorParse }
            guard let key = LocationAOR.make(to.uri, in: bytes, useDomain: useDomain, caseSensitive: rules.registrar.caseSensitive)
            else { throw .aorParse }
            aor = key
        }
        guard hasCallID, let callID = try? message.callIDRange() else { throw .callIDMissing }
        guard callID.count <= 255 else { throw .callIDTooLong }
        guard hasCSeq, let cseq = try? message.cseq() else { throw .cseqMissing }

        var expiresHeader: Int?
        if let expiresField {
            guard let value = Self.seconds(bytes, expiresField) else { throw .expiresParse }
            expiresHeader = value
        }

        // A `*` must stand alone, with Expires: 0 (RFC 3261 §10.2.2).
        if starLines > 0 {
            guard expiresHeader == 0 else { throw .starExpiresNotZero }
            guard contactLines == 1 else { throw .starWithOthers }
        }
        var contacts = RegisterContacts()
        if starLines == 0 && contactLines > 0 {
            guard let list = try? message.contacts() else { throw .contactParse }
            for nameAddr in list.values {
                let uri = nameAddr.uri.whole.clamped(to: 0 ..< bytes.count)
                guard uri.count <= rules.registrar.contactMaxSize else { throw .contactTooLong }
                var contact = RegisterContact(uri: uri, expires: .absent)
                if nameAddr.paramsRange != nil {
                    try Self.readParameters(of: nameAddr, in: message, into: &contact)
                }
                contacts.append(contact)
            }
        }

        var path = ""
        var pathReceived = ""
        if rules.registrar.usePath && hasPath {
            var pieces: [String] = []
            for field in message.headers where field.name == .path {
                pieces.append(message.string(field.valueRange))
            }
            guard let first = (try? message.nameAddrs(.path))?.first else { throw .pathParse }
            path = pieces.joined(separator: ",")
            if let received = first.uri.param(named: "received", in: bytes), let value = received.value {
                pathReceived = PercentText.decode(message.string(value))
            }
        }
        var supportsPath = false
        if hasSupported {
            supportsPath = message.listValues(.supported).contains { range in
                Self.equalsIgnoringCase(bytes, range, "path")
            }
        }
        var userAgent: Range<Int>?
        if let field = userAgentField, !field.isEmpty, field.count < 255 { userAgent = field }
        var methods = -1
        if hasAllow {
            methods = 0
            for range in message.listValues(.allow) { methods |= MethodMask.bit(bytes, range) }
        }
        return RegisterRequest(
            bytes: bytes, aor: aor, callID: callID, cseq: Int(cseq.number), expiresHeader: expiresHeader,
            isStar: starLines > 0, contacts: contacts, path: path, pathReceived: pathReceived,
            supportsPath: supportsPath, userAgent: userAgent, methods: methods)
    }

    /// One pass over a Contact's parameters, names compared as bytes.
    private static func readParameters(
        of nameAddr: NameAddr, in message: SIPMessage, into contact: inout RegisterContact
    ) throws(RegistrarError) {
        let bytes = message.bytes
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
                let text = Self.unquoted(bytes, value)
                guard text.count <= 255 else { throw .contactTooLong }
                if contact.received == nil { contact.received = text }
            case .instance:
                if contact.instance == nil { contact.instance = Self.unquoted(bytes, value) }
            case .regID:
                guard let id = Self.seconds(bytes, value), id > 0 else { throw .invalidRegID }
                if contact.regID == nil { contact.regID = id }
            case .other:
                break
            }
        }
    }

    /// ASCII case-insensitive comparison of a range with a lowercase word.
    static func equalsIgnoringCase(_ bytes: [UInt8], _ range: Range<Int>, _ word: StaticString) -> Bool {
        let range = range.clamped(to: 0 ..< bytes.count)
        guard range.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { wanted in
            var i = 0
            for b in bytes[range] {
                let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
                if lower != wanted[i] { return false }
                i += 1
            }
            return true
        }
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

    /// A value without the double quotes around it.
    static func unquoted(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        let range = range.clamped(to: 0 ..< bytes.count)
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""),
              bytes[range.upperBound - 1] == UInt8(ascii: "\"")
        else { return range }
        return range.lowerBound + 1 ..< range.upperBound - 1
    }

}

/// The Contact parameters the registrar reads, recognised from their bytes.
enum ParamName {
    case expires, q, received, instance, regID, other

    init(_ bytes: [UInt8], _ range: Range<Int>) {
        func matches(_ name: StaticString) -> Bool {
            RegisterRequest.equalsIgnoringCase(bytes, range, name)
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

    /// The bit of a method name in a request's bytes (an Allow value), compared without case.
    static func bit(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        func named(_ word: StaticString) -> Bool { RegisterRequest.equalsIgnoringCase(bytes, range, word) }
        switch range.count {
        case 3: if named("ack") { return 4 }; if named("bye") { return 8 }
        case 4: if named("info") { return 16 }; if named("kdmq") { return 16384 }
        case 5: if named("prack") { return 1024 }; if named("refer") { return 4096 }
        case 6:
            if named("invite") { return 1 }; if named("cancel") { return 2 }; if named("notify") { return 128 }
            if named("update") { return 2048 }
        case 7: if named("message") { return 256 }; if named("options") { return 512 }; if named("publish") { return 8192 }
        case 8: if named("register") { return 32 }
        case 9: if named("subscribe") { return 64 }
        default: break
        }
        return KamailioMethodID.other
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
