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

    public var method: Method
    /// The branch value when it starts with `z9hG4bK`; nil selects RFC 2543 matching.
    public var branch: [UInt8]?
    /// Via sent-by `host[:port]`, host lowercased.
    public var sentBy: [UInt8]
    public var callID: [UInt8]
    public var cseqNumber: UInt32
    // RFC 2543 only:
    public var requestURI: [UInt8]
    public var fromTag: [UInt8]
    public var toTag: [UInt8]
    public var topVia: [UInt8]

    /// The key of a parsed request; nil when the headers matching needs are missing or broken.
    public init?(_ request: SIPMessage) {
        guard request.kind == .request,
              let via = try? request.topVia(),
              let callID = try? request.callIDRange(),
              let cseq = try? request.cseq()
        else { return nil }
        let bytes = request.bytes
        method = request.method == .other ? .other(Array(bytes[request.methodRange])) : .known(request.method)
        if via.hasRFC3261Branch, let b = via.branch {
            branch = Array(bytes[b])
        } else {
            branch = nil
        }
        var sent = Array(bytes[via.host]).map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
        if let port = via.port { sent += Array((":" + String(port)).utf8) }
        sentBy = sent
        self.callID = Array(bytes[callID])
        cseqNumber = cseq.number
        if branch == nil {
            requestURI = Array(bytes[request.requestURIRange])
            fromTag = ((try? request.from())?.tag).map { Array(bytes[$0]) } ?? []
            toTag = ((try? request.to())?.tag).map { Array(bytes[$0]) } ?? []
            topVia = request.firstHeader(.via).map { Array(bytes[$0.valueRange]) } ?? []
        } else {
            requestURI = []
            fromTag = []
            toTag = []
            topVia = []
        }
    }

    /// The bucket hash (see TransactionHash).
    public var hash: UInt32 { TransactionHash.hash(callID: callID, cseqNumber: cseqNumber) }

    public var isACK: Bool { method == .known(.ack) }
    public var isCANCEL: Bool { method == .known(.cancel) }
    public var isINVITE: Bool { method == .known(.invite) }

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
        guard cseqNumber == stored.cseqNumber, callID == stored.callID else { return false }
        if let branch {
            return branch == stored.branch && sentBy == stored.sentBy
        }
        guard stored.branch == nil else { return false }
        return requestURI == stored.requestURI && fromTag == stored.fromTag && topVia == stored.topVia
            && (!compareToTag || toTag == stored.toTag)
    }
}
