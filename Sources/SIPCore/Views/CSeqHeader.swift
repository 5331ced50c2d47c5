// CSeq (RFC 3261 §20.16): `1*DIGIT LWS Method`, the number below 2^32 (RFC 4475 scalar02).

public struct CSeqHeader: Sendable, Equatable {
    public var number: UInt32
    public var method: SIPMethod
    public var methodRange: Range<Int>

    public static func parse(_ bytes: [UInt8], _ range: Range<Int>) throws(SIPParseError) -> CSeqHeader {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw SIPParseError(.malformedHeader(.cseq)) }
        return try bytes.withUnsafeBufferPointer { p throws(SIPParseError) in try parse(p, range) }
    }

    static func parse(_ p: ByteBuffer, _ range: Range<Int>) throws(SIPParseError) -> CSeqHeader {
        let r = Scan.trimmed(p, range)
        var i = r.lowerBound
        let e = r.upperBound
        let numberStart = i
        while i < e && ByteClass.isDigit(p[i]) { i &+= 1 }
        guard i > numberStart, i < e, ByteClass.isLWS(p[i]) else { throw SIPParseError(.malformedHeader(.cseq)) }
        guard let number = Scan.decimal(p, numberStart ..< i, max: UInt64(UInt32.max)) else {
            throw SIPParseError(.cseqNumberTooLarge)
        }
        i = Scan.skipLWS(p, i, e)
        let methodStart = i
        i = Scan.skipToken(p, i, e)
        guard i > methodStart, i == e else { throw SIPParseError(.malformedHeader(.cseq)) }
        let methodRange = methodStart ..< i
        return CSeqHeader(number: UInt32(number), method: SIPMethod.recognize(p, methodRange), methodRange: methodRange)
    }
}
