import Crypto
import SIPCore
import TernScript

/// SIP_TID: the value Kamailio puts there with or without a transaction — 32 lowercase hex
/// digits of the MD5 of the request's transaction key: From-tag, To-tag (not for INVITE, ACK
/// and CANCEL, whose To-tag changes within the transaction), Call-ID, the R-URI as received,
/// the CSeq number, and the top Via's host, port and branch, each trimmed of white space.
/// Nil when one of From, To, Call-ID, CSeq or Via is missing or unreadable (Kamailio then
/// leaves SIP_TID empty).
enum TransactionFingerprint {
    static func hex(_ message: SIPMessage) -> [UInt8]? {
        guard message.kind == .request,
            let from = try? message.from(), let to = try? message.to(),
            let callID = message.firstHeader(.callID),
            let cseq = message.firstHeader(.cseq),
            let via = try? message.topVia()
        else { return nil }
        let bytes = message.bytes
        var input: [UInt8] = []
        func add(_ part: ArraySlice<UInt8>) { input.append(contentsOf: trimmed(part)) }
        if let tag = from.tag { add(bytes[tag]) }
        if !(message.methodIs(.invite) || message.methodIs(.ack) || message.methodIs(.cancel)), let tag = to.tag {
            add(bytes[tag])
        }
        add(bytes[callID.valueRange])
        add(bytes[message.requestURIRange])
        add(firstWord(bytes[cseq.valueRange]))
        add(bytes[via.host])
        if let port = via.port { add(ArraySlice(String(port).utf8)) }
        if let branch = via.branch { add(bytes[branch]) }
        return hexDigits(Array(Insecure.MD5.hash(data: input)))
    }

    private static func isBlank(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, isBlank(f) { s = s.dropFirst() }
        while let l = s.last, isBlank(l) { s = s.dropLast() }
        return s
    }

    private static func firstWord(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let t = trimmed(s)
        return t.prefix { !isBlank($0) }
    }

    private static func hexDigits(_ digest: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return out
    }
}
