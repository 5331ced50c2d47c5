#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import TernRuntime
import TernScript

/// The digest check shared by auth (passwords from pseudo-variables) and auth_db (passwords from
/// the subscriber table): find the credentials for the realm, check the nonce (ours, not
/// expired), the response (RFC 2617 / RFC 7616) and the nonce-count (no replay), in that order so
/// a forged request cannot use up a client's nonce-counts. Works on any message with a request
/// line and Authorization headers: SIP requests and HTTP requests alike.
final class DigestAuthenticator: @unchecked Sendable {
    struct Settings: Sendable {
        var secret: [UInt8]
        var nonceExpire: Int64 = 300
        var maxDrift: Int64 = 3
        /// `qop` param: the qop challenges offer when their flags do not say.
        var qop: DigestQOP? = nil
        /// `algorithm` param: what challenges announce (MD5 when unset: no algorithm= written).
        var algorithm: DigestAlgorithm? = nil
        /// Refuse a nonce-count already used with a nonce (qop requests). Kamailio's
        /// `nonce_count`, on by default here: a captured Authorization cannot be replayed.
        var nonceCount = true
        /// A nonce serves one request without qop (Kamailio's `one_time_nonce`).
        var oneTimeNonce = false
        var ncArraySize = 1 << 20
    }

    let settings: Settings
    let nonces: NonceAuthority
    let tracker: NonceCountTracker
    /// Unix seconds; tests inject their own.
    let clock: @Sendable () -> Int64

    init(settings: Settings, clock: @escaping @Sendable () -> Int64 = DigestAuthenticator.systemClock) {
        self.settings = settings
        self.clock = clock
        nonces = NonceAuthority(secret: settings.secret, lifetime: settings.nonceExpire, maxDrift: settings.maxDrift)
        tracker = NonceCountTracker(size: settings.ncArraySize)
    }

    static let systemClock: @Sendable () -> Int64 = { systemNow() }

    static func systemNow() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    // MARK: challenges

    /// The whole header line (`WWW-Authenticate: Digest …\r\n`), built as bytes in one
    /// buffer: this runs for every challenge.
    func challengeLine(_ kind: HeaderKind, realm: String, qop: DigestQOP?, stale: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(realm.utf8.count &+ 160)
        Self.append(kind == .www ? "WWW-Authenticate: " : "Proxy-Authenticate: ", to: &bytes)
        appendChallengeValue(to: &bytes, realm: realm, qop: qop, stale: stale)
        Self.append("\r\n", to: &bytes)
        return bytes
    }

    /// `Digest realm="R", nonce="N"[, stale=true][, algorithm=A][, qop="auth"]` (Kamailio's order).
    private func appendChallengeValue(to bytes: inout [UInt8], realm: String, qop: DigestQOP?, stale: Bool) {
        Self.append("Digest realm=\"", to: &bytes)
        bytes.append(contentsOf: realm.utf8)
        Self.append("\", nonce=\"", to: &bytes)
        let at = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: NonceAuthority.encodedLength))
        let now = clock()
        let index = tracker.issue()
        bytes.withUnsafeMutableBytes { out in
            nonces.make(now: now, index: index, into: UnsafeMutableRawBufferPointer(rebasing: out[at ..< at &+ NonceAuthority.encodedLength]))
        }
        Self.append("\"", to: &bytes)
        if stale { Self.append(", stale=true", to: &bytes) }
        if let algorithm = settings.algorithm {
            Self.append(", algorithm=", to: &bytes)
            bytes.append(contentsOf: algorithm.name.utf8)
        }
        if let qop {
            Self.append(qop == .authInt ? ", qop=\"auth-int\"" : ", qop=\"auth\"", to: &bytes)
        }
    }

    @inline(__always) private static func append(_ text: StaticString, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    // MARK: checking credentials

    enum HeaderKind {
        case www, proxy
        var header: HeaderName { self == .www ? .authorization : .proxyAuthorization }
    }

    struct Found {
        var credentials: DigestCredentials
        var headerIndex: Int
    }

    enum Search {
        case found(Found)
        case none
        case malformed(String)
    }

    /// The first credentials of `kind` whose realm is `realm` (case-insensitive).
    static func findCredentials(_ message: SIPMessage, realm: String, kind: HeaderKind) -> Search {
        let wanted = realm.utf8
        var first = true
        let headers = message.headers
        for i in headers.indices where headers[i].name == kind.header {
            let c: DigestCredentials
            do {
                // The first one is the message's cached view ($au has usually parsed it already).
                if first, let cached = try message.credentials(kind.header) {
                    c = cached
                } else {
                    c = try DigestCredentials.parse(message.bytes, headers[i].valueRange, header: kind.header)
                }
                first = false
            } catch {
                return .malformed("cannot parse \(kind.header) credentials")
            }
            guard c.isDigest, let r = c.realm else { continue }
            if equalsIgnoringCase(message.bytes[r], wanted) { return .found(Found(credentials: c, headerIndex: i)) }
        }
        return .none
    }

    /// Runs the whole check. `method` overrides the request line's method for HA2. `lookup` gives
    /// the user's secret. On success the context learns the authorized user (is_user, $au …).
    func authenticate(
        _ ctx: ScriptContext, realm: String, kind: HeaderKind, method: String?,
        badRequest: (String) -> Void,
        lookup: (DigestIdentity) -> DigestSecretLookup
    ) -> AuthResult {
        let m = ctx.message
        // ACK and CANCEL cannot be challenged (RFC 3261 §22.1); Kamailio lets them through.
        if m.kind == .request && (m.methodIs(.ack) || m.methodIs(.cancel)) { return .authenticated }
        let found: Found
        switch Self.findCredentials(m, realm: realm, kind: kind) {
        case .none: return .noCredentials
        case .malformed(let why):
            badRequest(why)
            return .error
        case .found(let f): found = f
        }
        let c = found.credentials
        let b = m.bytes
        guard let username = c.username, let nonce = c.nonce, let uri = c.uri, let response = c.response, let r = c.realm else {
            badRequest("digest credentials lack username, nonce, uri or response")
            return .error
        }
        guard let algorithm = DigestAlgorithm(name: c.algorithm.map { b[$0] } ?? []) else {
            badRequest("unsupported digest algorithm '\(c.algorithm.map { m.string($0) } ?? "")'")
            return .error
        }
        // Constants from here on: the response computation below captures them.
        let qop: DigestQOP?
        let nc: UInt32
        if let q = c.qop {
            guard let kind = Self.qop(b[q]) else {
                badRequest("unsupported qop")
                return .error
            }
            guard let ncRange = c.nc, let ncValue = Self.hex32(b[ncRange]), c.cnonce != nil else {
                badRequest("qop without a valid nc or cnonce")
                return .error
            }
            qop = kind
            nc = ncValue
        } else {
            qop = nil
            nc = 0
        }

        var state = ctx[DigestAuthState.key] ?? DigestAuthState()
        let index: UInt32
        switch nonces.verify(b[nonce], now: clock()) {
        case .invalid:
            return .error
        case .stale:
            state.stale = true
            ctx[DigestAuthState.key] = state
            return .staleNonce
        case .valid(let i):
            index = i
        }

        let identity = DigestIdentity(username: m.string(username), realm: m.string(r))
        let secret: DigestSecret
        switch lookup(identity) {
        case .failed: return .error
        case .unknownUser: return .userUnknown
        case .found(let s): secret = s
        }
        let methodOverride = method.map { Array($0.utf8) }
        let bodyRange = m.body.startIndex ..< m.body.endIndex
        let expected: HexDigest? = b.withUnsafeBytes { raw in
            func field(_ range: Range<Int>?) -> UnsafeRawBufferPointer {
                range.map { UnsafeRawBufferPointer(rebasing: raw[$0]) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
            }
            let ha1: HexDigest
            switch secret {
            case .ha1(var text):
                // A stored MD5 HA1 cannot answer a SHA-256 response (and vice versa).
                guard text.utf8.count == algorithm.hexLength,
                      let lowered = text.withUTF8({ HexDigest(lowercasing: UnsafeRawBufferPointer($0)) }) else { return nil }
                ha1 = lowered
            case .password(var password):
                var h = JoinedDigest(algorithm)
                h.add(field(username))
                h.add(field(r))
                password.withUTF8 { h.add(UnsafeRawBufferPointer($0)) }
                ha1 = h.finish()
            }
            func response(method: UnsafeRawBufferPointer) -> HexDigest {
                let fields = DigestResponseFields(
                    nonce: field(nonce), method: method, uri: field(uri), qop: qop,
                    nc: field(c.nc), cnonce: field(c.cnonce), body: field(bodyRange))
                return ha1.withBytes { fields.expectedResponse(algorithm, ha1: $0) }
            }
            if let methodOverride { return methodOverride.withUnsafeBytes { response(method: $0) } }
            return response(method: field(m.methodRange))
        }
        guard let expected, DigestResponseInput.matches(expected, b[response]) else { return .invalidPassword }

        if qop != nil ? settings.nonceCount : settings.oneTimeNonce {
            switch tracker.check(index: index, nc: qop != nil ? nc : 1) {
            case .accepted: break
            case .replayed:
                state.stale = true
                ctx[DigestAuthState.key] = state
                return .nonceReused
            case .outOfRange:
                state.stale = true
                ctx[DigestAuthState.key] = state
                return .staleNonce
            }
        }
        ctx[AuthorizedCredentials.key] = AuthorizedCredentials(username: identity.username, headerIndex: found.headerIndex)
        return .authenticated
    }

    /// nc is 8 hex digits (RFC 2617 §3.2.2); accept 1–8.
    private static func hex32(_ s: ArraySlice<UInt8>) -> UInt32? {
        guard !s.isEmpty, s.count <= 8 else { return nil }
        var v: UInt32 = 0
        for c in s {
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }

    /// The qop of credentials: auth or auth-int, in any case.
    private static func qop(_ s: ArraySlice<UInt8>) -> DigestQOP? {
        let auth: StaticString = "auth-int"
        let a = auth.utf8Start
        guard s.count == 4 || s.count == 8 else { return nil }
        var i = 0
        for c in s {
            if asciiLower(c) != a[i] { return nil }
            i &+= 1
        }
        return s.count == 4 ? .auth : .authInt
    }

    private static func equalsIgnoringCase(_ a: ArraySlice<UInt8>, _ b: String.UTF8View) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { asciiLower($0) == asciiLower($1) }
    }
}

enum DigestQOP: String, Sendable {
    case auth
    case authInt = "auth-int"
}
