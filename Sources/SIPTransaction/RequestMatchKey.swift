#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore

/// What identifies the server transaction a request belongs to (RFC 3261 §17.2.3): the top
/// Via branch with the magic cookie, its sent-by and the method (ACK matching INVITE); or, for
/// a branch without the cookie (RFC 2543 clients), Request-URI, From tag, Call-ID, CSeq number,
/// To tag and the whole top Via.
public struct RequestMatchKey: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case known(SIPMethod)
        case other([UInt8])
    }

    /// Where each part ends in `parts`.
    @usableFromInline
    struct Ends: Sendable, Equatable {
        var callID: Int32
        var e1: Int32
        var e2: Int32
        var e3: Int32
        var e4: Int32
    }

    public var method: Method
    public var cseqNumber: UInt32
    /// The branch started with `z9hG4bK` (RFC 3261 matching).
    @usableFromInline var hasBranch: Bool
    // Every compared part in one buffer (one allocation, one retain per copy of the key; equal
    // buffers with equal part ends mean every part is equal):
    //   RFC 3261: Call-ID | branch | sent-by `host[:port]` (host lowercased)
    //   RFC 2543: Call-ID | Request-URI | From tag | whole top Via | To tag
    @usableFromInline var parts: [UInt8]
    @usableFromInline var ends: Ends

    /// The branch value when it starts with `z9hG4bK`; nil selects RFC 2543 matching.
    public var branch: [UInt8]? { hasBranch ? part(ends.callID, ends.e1) : nil }
    /// Via sent-by `host[:port]`, host lowercased (RFC 3261 keys).
    public var sentBy: [UInt8] { hasBranch ? part(ends.e1, ends.e2) : [] }
    public var callID: [UInt8] { part(0, ends.callID) }

    private func part(_ from: Int32, _ to: Int32) -> [UInt8] { Array(parts[Int(from) ..< Int(to)]) }

    /// The key of a parsed request; nil when the headers matching needs are missing or broken.
    public init?(_ request: SIPMessage) {
        guard request.kind == .request,
              let via = try? request.topVia(),
              let callID = try? request.callIDRange(),
              let cseq = try? request.cseq()
        else { return nil }
        let bytes = request.bytes
        method = request.method == .other ? .other(Array(bytes[request.methodRange])) : .known(request.method)
        cseqNumber = cseq.number
        var out: [UInt8] = []
        out.reserveCapacity(callID.count + 64)
        out += bytes[callID]
        let callIDEnd = Int32(out.count)
        if via.hasRFC3261Branch, let b = via.branch {
            hasBranch = true
            out += bytes[b]
            let branchEnd = Int32(out.count)
            for byte in bytes[via.host] { out.append((byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte) }
            if let port = via.port {
                out.append(UInt8(ascii: ":"))
                Self.appendDecimal(port, to: &out)
            }
            let end = Int32(out.count)
            ends = Ends(callID: callIDEnd, e1: branchEnd, e2: end, e3: end, e4: end)
        } else {
            hasBranch = false
            out += bytes[request.requestURIRange]
            let uriEnd = Int32(out.count)
            if let tag = (try? request.from())?.tag { out += bytes[tag] }
            let fromTagEnd = Int32(out.count)
            if let field = request.firstHeader(.via) { out += bytes[field.valueRange] }
            let viaEnd = Int32(out.count)
            if let tag = (try? request.to())?.tag { out += bytes[tag] }
            ends = Ends(callID: callIDEnd, e1: uriEnd, e2: fromTagEnd, e3: viaEnd, e4: Int32(out.count))
        }
        parts = out
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    /// The bucket hash (see TransactionHash).
    public var hash: UInt32 { TransactionHash.hash(callID: parts[0 ..< Int(ends.callID)], cseqNumber: cseqNumber) }

    public var isACK: Bool { method == .known(.ack) }
    public var isCANCEL: Bool { method == .known(.cancel) }
    public var isINVITE: Bool { method == .known(.invite) }

    /// Same Call-ID and CSeq number (a dialog's ACK for a 2xx matches its INVITE so).
    public func sameCallAndSequence(as stored: RequestMatchKey) -> Bool {
        cseqNumber == stored.cseqNumber && ends.callID == stored.ends.callID
            && Self.samePrefix(parts, stored.parts, Int(ends.callID))
    }

    private static func samePrefix(_ a: [UInt8], _ b: [UInt8], _ length: Int) -> Bool {
        guard length > 0 else { return true }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                guard let p = x.baseAddress, let q = y.baseAddress, x.count >= length, y.count >= length else { return false }
                return memcmp(p, q, length) == 0
            }
        }
    }

    /// True when this request is a retransmission of the request `stored` was made from.
    public func isSameRequest(as stored: RequestMatchKey) -> Bool {
        method == stored.method && sameTransactionPart(stored, compareToTag: true)
    }

    /// True when this ACK acknowledges the INVITE `stored` was made from. (RFC 2543: the ACK's
    /// To tag is the one of our final reply; the caller checks it against that reply.)
    public func isACK(for stored: RequestMatchKey) -> Bool {
        isACK && stored.isINVITE && sameTransactionPart(stored, compareToTag: false)
    }

    /// True when this CANCEL cancels the request `stored` was made from (RFC 3261 §9.2).
    public func cancels(_ stored: RequestMatchKey) -> Bool {
        isCANCEL && !stored.isCANCEL && !stored.isACK && sameTransactionPart(stored, compareToTag: true)
    }

    private func sameTransactionPart(_ stored: RequestMatchKey, compareToTag: Bool) -> Bool {
        guard cseqNumber == stored.cseqNumber, hasBranch == stored.hasBranch else { return false }
        let a = ends, b = stored.ends
        guard a.callID == b.callID, a.e1 == b.e1, a.e2 == b.e2, a.e3 == b.e3 else { return false }
        // RFC 2543: an ACK's To tag is left out (it carries the tag of our reply).
        let length: Int32
        if hasBranch || compareToTag {
            guard a.e4 == b.e4 else { return false }
            length = a.e4
        } else {
            length = a.e3
        }
        return Self.samePrefix(parts, stored.parts, Int(length))
    }
}
