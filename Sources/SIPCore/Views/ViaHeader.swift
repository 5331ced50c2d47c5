// One Via value (RFC 3261 §20.42, §25.1; RFC 3581 rport; RFC 5118 §4.5 IPv6 received):
// `protocol-name SLASH version SLASH transport LWS sent-by *(SEMI via-params)`, where SLASH,
// COLON, SEMI and EQUAL may carry LWS around them (RFC 4475 wsinv).

public enum RPort: Sendable, Equatable {
    case absent
    /// `;rport` without a value: the client asks for the source port (RFC 3581 §3).
    case empty
    case value(Int)
}

public struct ViaHeader: Sendable {
    public var isIPv6Reference: Bool
    /// The transport as a protocol, when it is one Tern speaks (nil for e.g. "UNKNOWN").
    public var transportProtocol: TransportProtocol?
    /// True when the branch starts with the RFC 3261 magic cookie `z9hG4bK` (§8.1.1.7).
    public var hasRFC3261Branch: Bool
    var _port: OptionalInt32
    var _ttl: OptionalInt32
    /// -2 absent, -1 empty, else the value.
    var _rport: Int32
    var _protocolName: Span
    var _protocolVersion: Span
    var _transport: Span
    var _host: Span
    var _branch: Span
    var _received: Span
    var _rportName: Span
    var _maddr: Span
    var _params: Span
    var _whole: Span

    public var protocolName: Range<Int> {
        get { _protocolName.range }
        set { _protocolName = Span(newValue) }
    }
    public var protocolVersion: Range<Int> {
        get { _protocolVersion.range }
        set { _protocolVersion = Span(newValue) }
    }
    public var transport: Range<Int> {
        get { _transport.range }
        set { _transport = Span(newValue) }
    }
    /// sent-by host; an IPv6 reference includes its brackets.
    public var host: Range<Int> {
        get { _host.range }
        set { _host = Span(newValue) }
    }
    public var port: Int? {
        get { _port.value }
        set { _port = OptionalInt32(newValue) }
    }
    public var branch: Range<Int>? {
        get { _branch.optional }
        set { _branch = Span(newValue) }
    }
    /// `received=` value as written (RFC 5118: with or without brackets).
    public var received: Range<Int>? {
        get { _received.optional }
        set { _received = Span(newValue) }
    }
    public var rport: RPort {
        get { _rport == -2 ? .absent : _rport == -1 ? .empty : .value(Int(_rport)) }
        set {
            switch newValue {
            case .absent: _rport = -2
            case .empty: _rport = -1
            case .value(let v): _rport = Int32(clamping: Swift.max(0, v))
            }
        }
    }
    /// Range of the `rport` parameter name, so a reply can fill in its value in place.
    public var rportName: Range<Int>? {
        get { _rportName.optional }
        set { _rportName = Span(newValue) }
    }
    public var maddr: Range<Int>? {
        get { _maddr.optional }
        set { _maddr = Span(newValue) }
    }
    public var ttl: Int? {
        get { _ttl.value }
        set { _ttl = OptionalInt32(newValue) }
    }
    /// Parameters without the first `;`; nil when there are none.
    public var paramsRange: Range<Int>? {
        get { _params.optional }
        set { _params = Span(newValue) }
    }
    /// This Via value (one element of a comma-separated Via line), trimmed.
    public var whole: Range<Int> {
        get { _whole.range }
        set { _whole = Span(newValue) }
    }

    /// All parameters in order (branch, received, rport, extensions …), parsed on each call.
    public func params(in bytes: [UInt8]) -> [HeaderParam] {
        guard let paramsRange else { return [] }
        return HeaderParamScanner.collect(bytes, paramsRange.lowerBound &- 1 ..< paramsRange.upperBound)
    }

    public func param(named name: String, in bytes: [UInt8]) -> HeaderParam? {
        guard let paramsRange else { return nil }
        return HeaderParamScanner.find(bytes, paramsRange.lowerBound &- 1 ..< paramsRange.upperBound, named: name)
    }

    public func hostString(in bytes: [UInt8]) -> String {
        String(decoding: bytes[Scan.clamp(host, bytes.count)], as: UTF8.self)
    }

    /// Host without IPv6 brackets.
    public func hostAddressString(in bytes: [UInt8]) -> String {
        var r = Scan.clamp(host, bytes.count)
        if isIPv6Reference && r.count >= 2 { r = r.lowerBound + 1 ..< r.upperBound - 1 }
        return String(decoding: bytes[r], as: UTF8.self)
    }

    public func branchString(in bytes: [UInt8]) -> String? {
        branch.map { String(decoding: bytes[Scan.clamp($0, bytes.count)], as: UTF8.self) }
    }

    public func receivedString(in bytes: [UInt8]) -> String? {
        received.map { String(decoding: bytes[Scan.clamp($0, bytes.count)], as: UTF8.self) }
    }

    public func transportString(in bytes: [UInt8]) -> String {
        String(decoding: bytes[Scan.clamp(transport, bytes.count)], as: UTF8.self)
    }

    /// Parses one Via value (not a comma-separated list) filling `range`.
    public static func parse(_ bytes: [UInt8], _ range: Range<Int>) throws(SIPParseError) -> ViaHeader {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw SIPParseError(.malformedHeader(.via)) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in
            try parse(p, range)
        }
    }

    static func parse(_ p: ByteBuffer, _ range: Range<Int>) throws(SIPParseError) -> ViaHeader {
        let (via, stop) = try parseElement(p, range)
        guard stop == range.upperBound else { throw SIPParseError(.malformedHeader(.via)) }
        return via
    }

    /// Parses the Via value starting at `range.lowerBound` and returns it with the offset where
    /// it stopped: `range.upperBound`, or a top-level ',' that starts the next value. One pass:
    /// the comma is found by the parameter scanner, not by splitting first.
    static func parseElement(_ p: ByteBuffer, _ range: Range<Int>) throws(SIPParseError) -> (ViaHeader, stop: Int) {
        @inline(never) func bad() -> SIPParseError { SIPParseError(.malformedHeader(.via)) }
        let e = range.upperBound
        var i = Scan.skipLWS(p, range.lowerBound, e)
        let elementStart = i

        // sent-protocol
        let nameStart = i
        i = Scan.skipToken(p, i, e)
        let protocolName = nameStart ..< i
        i = Scan.skipLWS(p, i, e)
        guard !protocolName.isEmpty, i < e, p[i] == ASCII.slash else { throw bad() }
        i = Scan.skipLWS(p, i &+ 1, e)
        let versionStart = i
        i = Scan.skipToken(p, i, e)
        let protocolVersion = versionStart ..< i
        i = Scan.skipLWS(p, i, e)
        guard !protocolVersion.isEmpty, i < e, p[i] == ASCII.slash else { throw bad() }
        i = Scan.skipLWS(p, i &+ 1, e)
        let transportStart = i
        i = Scan.skipToken(p, i, e)
        let transport = transportStart ..< i
        guard !transport.isEmpty, i < e, ByteClass.isLWS(p[i]) else { throw bad() }
        i = Scan.skipLWS(p, i, e)

        // sent-by
        guard i < e else { throw bad() }
        let host: Range<Int>
        var ipv6 = false
        if p[i] == ASCII.openBracket {
            let open = i
            i &+= 1
            while i < e && ByteClass.isIPv6Char(p[i]) { i &+= 1 }
            guard i < e, p[i] == ASCII.closeBracket else { throw bad() }
            i &+= 1
            host = open ..< i
            ipv6 = true
        } else {
            let hostStart = i
            while i < e && ByteClass.isHostChar(p[i]) { i &+= 1 }
            guard i > hostStart else { throw bad() }
            host = hostStart ..< i
        }
        var port: Int? = nil
        var j = Scan.skipLWS(p, i, e)
        if j < e && p[j] == ASCII.colon {
            j = Scan.skipLWS(p, j &+ 1, e)
            let portStart = j
            while j < e && ByteClass.isDigit(p[j]) { j &+= 1 }
            guard let value = Scan.decimal(p, portStart ..< j, max: 65535) else { throw bad() }
            port = Int(value)
            i = j
        }

        var via = ViaHeader(
            isIPv6Reference: ipv6, transportProtocol: TransportProtocol(p, transport), hasRFC3261Branch: false,
            _port: OptionalInt32(port), _ttl: OptionalInt32(nil), _rport: -2, _protocolName: Span(protocolName),
            _protocolVersion: Span(protocolVersion), _transport: Span(transport), _host: Span(host), _branch: .absent,
            _received: .absent, _rportName: .absent, _maddr: .absent, _params: .absent, _whole: .absent)
        let paramsFrom = Scan.skipLWS(p, i, e)
        let end = try HeaderParamScanner.scan(p, i, e, header: .via) { (name, value) throws(SIPParseError) in
            switch name.count {
            case 3 where Scan.equalsLowercase(p, name, "ttl"):
                guard let value, let ttl = Scan.decimal(p, value, max: 255) else { throw bad() }
                via._ttl = OptionalInt32(Int(ttl))
            case 5 where Scan.equalsLowercase(p, name, "rport"):
                via._rportName = Span(name)
                if let value {
                    guard let rport = Scan.decimal(p, value, max: 65535) else { throw bad() }
                    via._rport = Int32(rport)
                } else {
                    via._rport = -1
                }
            case 5 where Scan.equalsLowercase(p, name, "maddr"):
                guard let value else { throw bad() }
                via._maddr = Span(value)
            case 6 where Scan.equalsLowercase(p, name, "branch"):
                guard let value else { throw bad() }
                via._branch = Span(value)
                via.hasRFC3261Branch = Scan.hasPrefix(p, value.lowerBound, value.upperBound, "z9hG4bK")
            case 8 where Scan.equalsLowercase(p, name, "received"):
                guard let value else { throw bad() }
                via._received = Span(value)
            default:
                break
            }
        }
        guard end == e || p[end] == ASCII.comma else { throw bad() }
        let elementEnd = Scan.trimTrailingLWS(p, elementStart, end)
        if paramsFrom < elementEnd {
            via._params = Span(paramsFrom &+ 1 ..< elementEnd)
        }
        via._whole = Span(elementStart ..< elementEnd)
        return (via, end)
    }
}
