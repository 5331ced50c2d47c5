import SIPCore
import SIPTransaction
import TernScript

/// A 2xx that tm generated itself for an INVITE (t_reply) is retransmitted by the server
/// machine until its ACK comes (RFC 3261 §13.3.1.4). That ACK is a new transaction — its
/// branch differs from the INVITE's — so it is matched as Kamailio's tm matches it: same
/// Call-ID and CSeq number, and the To-tag of our reply.
extension ServerMachine {
    /// Sends a reply tm generated itself (a 2xx to an INVITE is then retransmitted).
    mutating func sendLocal(code: Int, bytes: [UInt8]) -> [TransactionAction] {
        guard case .invite(var m) = self else { return send(code: code, bytes: bytes) }
        let actions = m.handle(.sendLocal(code: code, bytes: bytes))
        self = .invite(m)
        return actions
    }
}

extension TMCore {
    /// The INVITE transaction whose local 2xx this ACK acknowledges, if any.
    func findLocalSuccessAcknowledged(_ context: ScriptContext, key: RequestMatchKey) -> TMTransaction? {
        guard key.isACK, let toTag = (try? context.message.to())?.tag else { return nil }
        let ackToTag = context.message.bytes[toTag]
        let found = table.withBucket(table.hashIndex(key.hash)) { bucket in
            bucket.first { !$0.freed && $0.isInvite && key.sameCallAndSequence(as: $0.key) }
        }
        guard let t = found else { return nil }
        let matches = t.replyLock.withLock { () -> Bool in
            guard case .invite(let machine) = t.server, machine.sentLocalSuccess else { return false }
            return ackToTag.elementsEqual(localToTag(t).utf8)
        }
        return matches ? t : nil
    }
}
