// Character classes of RFC 3261 §25 as bit masks over ASCII, so a class test is two shifts
// and no table lookup through a lazily initialised global.

enum ASCII {
    static let nul: UInt8 = 0x00
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22      // "
    static let hash: UInt8 = 0x23       // #
    static let percent: UInt8 = 0x25    // %
    static let plus: UInt8 = 0x2B       // +
    static let comma: UInt8 = 0x2C      // ,
    static let minus: UInt8 = 0x2D      // -
    static let dot: UInt8 = 0x2E        // .
    static let slash: UInt8 = 0x2F      // /
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A      // :
    static let semicolon: UInt8 = 0x3B  // ;
    static let lessThan: UInt8 = 0x3C   // <
    static let equals: UInt8 = 0x3D     // =
    static let greaterThan: UInt8 = 0x3E // >
    static let question: UInt8 = 0x3F   // ?
    static let at: UInt8 = 0x40         // @
    static let openBracket: UInt8 = 0x5B  // [
    static let backslash: UInt8 = 0x5C  // \
    static let closeBracket: UInt8 = 0x5D // ]
    static let star: UInt8 = 0x2A       // *
}

enum ByteClass {
    @inline(__always)
    static func inMask(_ b: UInt8, _ low: UInt64, _ high: UInt64) -> Bool {
        // Written without branches: the mask word is selected, then the bit tested.
        let word = b < 64 ? low : high
        return b < 128 && (word &>> UInt64(b & 63)) & 1 != 0
    }

    /// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    @inline(__always) static func isToken(_ b: UInt8) -> Bool { inMask(b, 0x03ff_6ca2_0000_0000, 0x47ff_ffff_87ff_fffe) }
    /// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    @inline(__always) static func isSchemeChar(_ b: UInt8) -> Bool { inMask(b, 0x03ff_6800_0000_0000, 0x07ff_fffe_07ff_fffe) }
    /// hostname characters; "_" is accepted because real deployments use it.
    @inline(__always) static func isHostChar(_ b: UInt8) -> Bool { inMask(b, 0x03ff_6000_0000_0000, 0x07ff_fffe_87ff_fffe) }
    /// Inside an IPv6 reference: hex digits, ":" and "." (IPv4-mapped tails).
    @inline(__always) static func isIPv6Char(_ b: UInt8) -> Bool { inMask(b, 0x07ff_4000_0000_0000, 0x0000_007e_0000_007e) }
    /// URI userinfo, leniently: printable ASCII except < > " @ (":" is handled by the caller).
    @inline(__always) static func isUserInfoChar(_ b: UInt8) -> Bool { inMask(b, 0xafff_fffa_0000_0000, 0x7fff_ffff_ffff_fffe) }
    /// URI parameter name or value: printable ASCII except ; ? < > "
    @inline(__always) static func isURIParamChar(_ b: UInt8) -> Bool { inMask(b, 0x27ff_fffa_0000_0000, 0x7fff_ffff_ffff_ffff) }
    /// URI headers part and opaque URIs: printable ASCII except < > "
    @inline(__always) static func isURIHeaderChar(_ b: UInt8) -> Bool { inMask(b, 0xafff_fffa_0000_0000, 0x7fff_ffff_ffff_ffff) }
    /// Unquoted header-parameter value (token / host / IPv6 without brackets): printable except ; , " < >
    @inline(__always) static func isParamValueChar(_ b: UInt8) -> Bool { inMask(b, 0xa7ff_effa_0000_0000, 0x7fff_ffff_ffff_ffff) }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- ASCII.zero < 10 }
    @inline(__always) static func isWSP(_ b: UInt8) -> Bool { b == ASCII.space || b == ASCII.tab }
    /// Linear white space inside a header value: folds keep their CR LF inside the value.
    @inline(__always) static func isLWS(_ b: UInt8) -> Bool { b == ASCII.space || b == ASCII.tab || b == ASCII.cr || b == ASCII.lf }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b &- 0x41) < 26 ? b | 0x20 : b }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        if b &- 0x30 < 10 { return b &- 0x30 }
        let l = b | 0x20
        if l &- 0x61 < 6 { return l &- 0x61 &+ 10 }
        return nil
    }
}
