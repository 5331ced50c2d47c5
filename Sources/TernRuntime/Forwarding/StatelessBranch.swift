import SIPCore
import SIPTransport

/// The Via branch of a statelessly forwarded request (RFC 3261 §16.11): computed from the
/// request alone, so a retransmission — and a CANCEL or non-2xx ACK, which repeat the
/// INVITE's top Via, Call-ID and CSeq number — gets the branch the original got, and the
/// next hop can match them without Tern keeping any state.
public enum StatelessBranch {
    /// `z9hG4bKsl` + 16 hex digits. The hash covers the received top Via (its branch when it
    /// is an RFC 3261 one, else its sent-by as well), Call-ID, CSeq number, From tag and the
    /// original Request-URI, plus the destination, so branches forked to different hops differ.
    public static func make(for message: SIPMessage, destination: String) -> String {
        var hash = requestHash(message)
        hash.add(destination.utf8)
        return text(hash.value)
    }

    /// The same for a resolved destination, without building its text.
    public static func make(for message: SIPMessage, target: SendTarget) -> String {
        var hash = requestHash(message)
        hash.add(byte: target.proto.rawValue)
        hash.add(target.address.ip.utf8)
        hash.add(UInt32(truncatingIfNeeded: target.address.port))
        return text(hash.value)
    }

    private static func requestHash(_ message: SIPMessage) -> FNV1a {
        var hash = FNV1a()
        if let via = try? message.topVia() {
            if let branch = via.branch, via.hasRFC3261Branch {
                hash.add(message.slice(branch))
            } else {
                hash.add(message.slice(via.whole))
            }
        }
        hash.separator()
        if let callID = try? message.callIDRange() { hash.add(message.slice(callID)) }
        hash.separator()
        if let cseq = try? message.cseq() { hash.add(cseq.number) }
        hash.separator()
        if let from = try? message.from(), let tag = from.tag { hash.add(message.slice(tag)) }
        hash.separator()
        hash.add(message.slice(message.requestURIRange))
        hash.separator()
        return hash
    }

    private static func text(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 25, initializingUTF8With: { buffer in
            for (i, b) in "z9hG4bKsl".utf8.enumerated() { buffer[i] = b }
            for digit in 0 ..< 16 {
                let nibble = Int((value >> UInt64(60 - 4 * digit)) & 15)
                buffer[9 + digit] = nibble < 10 ? UInt8(48 + nibble) : UInt8(87 + nibble)
            }
            return 25
        })
    }
}

/// 64-bit FNV-1a: cheap, stable across runs and machines (unlike Hasher, which is seeded).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf29ce484222325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for b in bytes { add(byte: b) }
    }

    mutating func add(_ number: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { add(byte: UInt8(truncatingIfNeeded: number >> UInt32(shift))) }
    }

    mutating func add(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x100000001b3
    }

    mutating func separator() { add(byte: 0) }
}
