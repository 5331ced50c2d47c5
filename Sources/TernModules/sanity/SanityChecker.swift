// The checks behind sanity_check(), in Kamailio's order. A failing check records the reply it
// calls for (or that none may be sent) and stops the run. Replies are checked too (reply
// routes use 17604/6); their first line has no method, R-URI or version where a request has
// them, so the checks that read those fail for replies, as they do in Kamailio.
import SIPCore
import TernScript

/// Bits of sanity_check's first argument.
enum SanityCheck {
    static let ruriVersion = 1
    static let ruriScheme = 2
    static let requiredHeaders = 4
    static let viaVersion = 8
    static let viaProtocol = 16
    static let cseqMethod = 32
    static let cseqValue = 64
    static let contentLength = 128
    static let expires = 256
    static let proxyRequire = 512
    static let parseURIs = 1024
    static let digest = 2048
    static let duplicateTags = 4096
    static let authorization = 8192
    static let via1 = 16384
    static let limit = 32768
}

/// Bits of sanity_check's second argument (used by the parse-URIs check).
enum SanityURICheck {
    static let requestURI = 1
    static let from = 2
    static let to = 4
    static let contact = 8
    static let limit = 16
}

/// What a failed check asks for: a reply, or silence (`silent`: the message is too broken to answer).
struct SanityOutcome: Sendable, Equatable {
    var code: Int
    var reason: String
    var silent = false

    static let noReply = SanityOutcome(code: 0, reason: "", silent: true)
    static let key = ScriptContextKey<SanityOutcome>()
}

struct SanityChecker {
    let ctx: ScriptContext
    let message: SIPMessage
    let bytes: [UInt8]
    let proxyRequire: [[UInt8]]

    init(_ ctx: ScriptContext, proxyRequire: [[UInt8]]) {
        self.ctx = ctx
        message = ctx.message
        bytes = ctx.message.bytes
        self.proxyRequire = proxyRequire
    }

    private typealias Check = (SanityChecker) -> SanityOutcome?

    private static let sequence: [(Int, Check)] = [
        (SanityCheck.ruriVersion, { $0.checkRequestURIVersion() }),
        (SanityCheck.ruriScheme, { $0.checkRequestURIScheme() }),
        (SanityCheck.requiredHeaders, { $0.checkRequiredHeaders() }),
        (SanityCheck.via1, { $0.checkTopVia() }),
        // Kamailio's Via version and Via protocol checks are no-ops (its Via parser already
        // refuses what they would catch); the bits are accepted and pass.
        (SanityCheck.cseqMethod, { $0.checkCSeqMethod() }),
        (SanityCheck.cseqValue, { $0.checkCSeqNumber() }),
        (SanityCheck.contentLength, { $0.checkContentLength() }),
        (SanityCheck.expires, { $0.checkExpires() }),
        (SanityCheck.proxyRequire, { $0.checkProxyRequire() }),
    ]

    /// True when every selected check passes; otherwise the outcome is left in the context.
    func run(checks: Int, uriChecks: Int) -> Bool {
        for (bit, check) in Self.sequence where checks & bit != 0 {
            if let failure = check(self) { return fail(failure) }
        }
        if checks & SanityCheck.parseURIs != 0, let failure = checkURIs(uriChecks) { return fail(failure) }
        if checks & SanityCheck.digest != 0, let failure = checkCredentials(acceptOtherSchemes: false) { return fail(failure) }
        if checks & SanityCheck.authorization != 0, let failure = checkCredentials(acceptOtherSchemes: true) { return fail(failure) }
        if checks & SanityCheck.duplicateTags != 0, let failure = checkDuplicateTags() { return fail(failure) }
        return true
    }

    private func fail(_ outcome: SanityOutcome) -> Bool {
        // Replies and ACKs are never answered.
        let answerable = message.kind == .request && !message.methodIs(.ack)
        ctx[SanityOutcome.key] = answerable ? outcome : .noReply
        return false
    }

    private func text(_ r: Range<Int>) -> ArraySlice<UInt8> { bytes[r] }

    // MARK: - First line

    /// The SIP version after the R-URI must be 2.0. (For a reply Kamailio reads its reason
    /// phrase here.)
    private func checkRequestURIVersion() -> SanityOutcome? {
        let version = message.kind == .response ? message.reasonRange : message.versionRange
        guard !version.isEmpty else { return nil }
        guard let slash = text(version).firstIndex(of: UInt8(ascii: "/")) else { return .noReply }
        guard text(slash + 1 ..< version.upperBound).elementsEqual("2.0".utf8) else {
            return SanityOutcome(code: 505, reason: "Version Not Supported (R-URI)")
        }
        return nil
    }

    /// The R-URI must parse with a scheme Kamailio knows.
    private func checkRequestURIScheme() -> SanityOutcome? {
        requestURIParses ? nil : SanityOutcome(code: 400, reason: "Bad Request URI")
    }

    private var requestURIParses: Bool {
        guard message.kind == .request, let current = RequestURIText(ctx) else { return false }
        return ParsedURI(current.text) != nil
    }

    // MARK: - Headers

    /// From, To, Call-ID and CSeq present and not repeated. Without them no reply can be formed.
    private func checkRequiredHeaders() -> SanityOutcome? {
        for name in [HeaderName.from, .to, .callID, .cseq] {
            let count = message.headers.reduce(0) { $0 + ($1.name == name ? 1 : 0) }
            if count != 1 { return .noReply }
        }
        // Kamailio parses To and splits CSeq into a number and a method token here; the values
        // themselves are judged by the CSeq checks.
        guard (try? message.to()) != nil, let cseq = cseqTokens, !cseq.number.isEmpty, !cseq.method.isEmpty else { return .noReply }
        return nil
    }

    private func checkTopVia() -> SanityOutcome? {
        guard let via = try? message.topVia(), !via.host.isEmpty else { return .noReply }
        return nil
    }

    /// CSeq's two tokens, split as Kamailio's parser splits them.
    private var cseqTokens: (number: Range<Int>, method: Range<Int>)? {
        guard let field = message.firstHeader(.cseq) else { return nil }
        let v = field.valueRange
        func isBlank(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
        var i = v.lowerBound
        while i < v.upperBound && isBlank(bytes[i]) { i += 1 }
        let numberStart = i
        while i < v.upperBound && !isBlank(bytes[i]) { i += 1 }
        let number = numberStart ..< i
        while i < v.upperBound && isBlank(bytes[i]) { i += 1 }
        let methodStart = i
        while i < v.upperBound && !isBlank(bytes[i]) { i += 1 }
        return (number, methodStart ..< i)
    }

    private func checkCSeqMethod() -> SanityOutcome? {
        guard let tokens = cseqTokens else { return .noReply }
        if tokens.method.isEmpty { return SanityOutcome(code: 400, reason: "Missing method in CSeq header") }
        // For a reply Kamailio compares with the version field ("SIP/2.0").
        let method = message.kind == .response ? message.versionRange : message.methodRange
        guard text(tokens.method).elementsEqual(text(method)) else {
            return SanityOutcome(code: 400, reason: "CSeq method does not match request method")
        }
        return nil
    }

    private func checkCSeqNumber() -> SanityOutcome? {
        guard let tokens = cseqTokens else { return .noReply }
        if tokens.number.isEmpty { return SanityOutcome(code: 400, reason: "Missing number in CSeq header") }
        guard Self.isUnsigned32(text(tokens.number)) else { return SanityOutcome(code: 400, reason: "CSeq number is illegal") }
        return nil
    }

    /// Up to 10 digits, at most 4294967296 (Kamailio's limit, one past UInt32.max).
    static func isUnsigned32(_ digits: ArraySlice<UInt8>) -> Bool {
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let value = digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
        return value <= 4_294_967_296
    }

    /// Content-Length must equal what follows the header section.
    private func checkContentLength() -> SanityOutcome? {
        guard message.firstHeader(.contentLength) != nil else { return nil }
        let actual = bytes.count - message.headerSectionEnd
        guard let declared = try? message.contentLength(), declared == actual else {
            return SanityOutcome(code: 400, reason: "Content-Length mis-match")
        }
        return nil
    }

    private func checkExpires() -> SanityOutcome? {
        guard let field = message.firstHeader(.expires) else { return nil }
        var value = text(field.valueRange)
        while let f = value.first, f == 32 || f == 9 { value = value.dropFirst() }
        while let l = value.last, l == 32 || l == 9 || l == 13 || l == 10 { value = value.dropLast() }
        guard !value.isEmpty else { return SanityOutcome(code: 400, reason: "Bad Expires Header") }
        // Digits up to the first white space are the value; anything else is kept whole and fails.
        if let blank = value.firstIndex(where: { $0 == 32 || $0 == 9 }), value[..<blank].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            value = value[..<blank]
        }
        guard Self.isUnsigned32(value) else { return SanityOutcome(code: 400, reason: "Expires value is illegal") }
        return nil
    }

    /// Every option of the (first) Proxy-Require header must be one the `proxy_require`
    /// parameter lists; the first one that is not is named in an Unsupported header.
    private func checkProxyRequire() -> SanityOutcome? {
        guard let field = message.firstHeader(.proxyRequire) else { return nil }
        for option in text(field.valueRange).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var o = option
            while let f = o.first, f == 32 || f == 9 || f == 13 || f == 10 { o = o.dropFirst() }
            while let l = o.last, l == 32 || l == 9 || l == 13 || l == 10 { o = o.dropLast() }
            if proxyRequire.contains(where: { $0.elementsEqual(o) }) { continue }
            ctx.replyHeaders += Array("Unsupported: ".utf8) + o + [13, 10]
            return SanityOutcome(code: 420, reason: "Bad Proxy Require Extension")
        }
        return nil
    }

    // MARK: - URIs

    private func checkURIs(_ checks: Int) -> SanityOutcome? {
        if checks & SanityURICheck.requestURI != 0, !requestURIParses {
            return SanityOutcome(code: 400, reason: "Bad Request URI")
        }
        if checks & SanityURICheck.from != 0, !nameAddrURIParses(.from) {
            return message.firstHeader(.from) == nil ? .noReply : SanityOutcome(code: 400, reason: "Invalid From Header")
        }
        if checks & SanityURICheck.to != 0, !nameAddrURIParses(.to) {
            // The reason is spelt as Kamailio spells it.
            return message.firstHeader(.to) == nil ? .noReply : SanityOutcome(code: 400, reason: "Ivalid To Header")
        }
        if checks & SanityURICheck.contact != 0, message.firstHeader(.contact) != nil {
            guard let contacts = try? message.contacts() else { return SanityOutcome(code: 400, reason: "Bad Contact Header") }
            if case .contacts(let list) = contacts, let first = list.first,
               ParsedURI(String(decoding: bytes[first.uri.whole], as: UTF8.self)) == nil {
                return SanityOutcome(code: 400, reason: "Bad Contact URI")
            }
        }
        return nil
    }

    private func nameAddrURIParses(_ name: HeaderName) -> Bool {
        let value = name == .from ? try? message.from() : try? message.to()
        guard let value else { return false }
        return ParsedURI(String(decoding: bytes[value.uri.whole], as: UTF8.self)) != nil
    }

    // MARK: - Credentials and tags

    /// Every Authorization, then every Proxy-Authorization, must be complete Digest
    /// credentials. Another scheme fails the digest check (2048) without a reply and passes
    /// the authorization check (8192).
    private func checkCredentials(acceptOtherSchemes: Bool) -> SanityOutcome? {
        for name in [HeaderName.authorization, .proxyAuthorization] {
            for field in message.headers where field.name == name {
                guard let c = try? DigestCredentials.parse(bytes, field.valueRange, header: name) else {
                    return SanityOutcome(code: 400, reason: "Bad Auth Header")
                }
                guard c.isDigest else { return acceptOtherSchemes ? nil : .noReply }
                var complete = c.username != nil && c.realm != nil && c.nonce != nil && c.uri != nil && c.response != nil
                if let qop = c.qop, ["auth", "auth-int"].contains(String(decoding: bytes[qop], as: UTF8.self).lowercased()) {
                    complete = complete && c.cnonce != nil && c.nc != nil
                }
                guard complete else { return SanityOutcome(code: 400, reason: "Bad Auth Credentials") }
                if c.username.map({ $0.isEmpty }) ?? true { return SanityOutcome(code: 400, reason: "Auth Empty User") }
                if c.nonce.map({ $0.isEmpty }) ?? true { return SanityOutcome(code: 400, reason: "Auth Empty Nonce") }
                if c.response.map({ $0.isEmpty }) ?? true { return SanityOutcome(code: 400, reason: "Auth Empty Response") }
            }
        }
        return nil
    }

    private func checkDuplicateTags() -> SanityOutcome? {
        guard let from = try? message.from(), let to = try? message.to() else { return .noReply }
        func tagCount(_ n: NameAddr) -> Int {
            n.params(in: bytes).reduce(0) { count, p in
                count + (bytes[p.name].map(asciiLower).elementsEqual("tag".utf8) ? 1 : 0)
            }
        }
        if tagCount(from) > 1 { return SanityOutcome(code: 400, reason: "Many From Tag Params") }
        if tagCount(to) > 1 { return SanityOutcome(code: 400, reason: "Many To Tag Params") }
        return nil
    }
}
