/// A transaction's address: the bucket ("hash index") and its label within the bucket, as
/// Kamailio prints it ("hash:label", exec's SIP_TID, t_suspend's result, tm.reply's args).
public struct TransactionID: Hashable, Sendable, CustomStringConvertible {
    public var hashIndex: UInt32
    public var label: UInt32

    public init(hashIndex: UInt32, label: UInt32) {
        self.hashIndex = hashIndex
        self.label = label
    }

    /// Parses "hash:label" (decimal, as printed by `description`).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let h = UInt32(parts[0]), let l = UInt32(parts[1]) else { return nil }
        self.init(hashIndex: h, label: l)
    }

    public var description: String { "\(hashIndex):\(label)" }
}

/// The Via branch tm puts on a forwarded request: `z9hG4bK` + hash index (hex) + "." + label
/// (hex) + "." + branch index (decimal), so a reply finds its transaction and branch without
/// a search.
public struct TransactionBranchID: Hashable, Sendable, CustomStringConvertible {
    public var transaction: TransactionID
    public var branch: Int

    public init(transaction: TransactionID, branch: Int) {
        self.transaction = transaction
        self.branch = branch
    }

    public var description: String {
        guard branch >= 0 else {
            return "z9hG4bK" + String(transaction.hashIndex, radix: 16) + "." + String(transaction.label, radix: 16)
                + "." + String(branch)
        }
        // Written straight into the string's storage: this runs for every branch relayed.
        return String(unsafeUninitializedCapacity: 7 + 8 + 1 + 8 + 1 + 20) { out in
            var n = 0
            for byte in "z9hG4bK".utf8 {
                out[n] = byte
                n += 1
            }
            func put(_ value: UInt64, radix: UInt64) {
                let digits: StaticString = "0123456789abcdef"
                var divisor: UInt64 = 1
                while value / divisor >= radix { divisor *= radix }
                while divisor > 0 {
                    out[n] = digits.utf8Start[Int(value / divisor % radix)]
                    n += 1
                    divisor /= radix
                }
            }
            put(UInt64(transaction.hashIndex), radix: 16)
            out[n] = UInt8(ascii: ".")
            n += 1
            put(UInt64(transaction.label), radix: 16)
            out[n] = UInt8(ascii: ".")
            n += 1
            put(UInt64(branch), radix: 10)
            return n
        }
    }

    /// Decodes a branch parameter value; nil when it is not one of ours. Inlinable: callers
    /// pass slices of received bytes, and unspecialised this cost thousands of instructions.
    @inlinable
    public init?<Bytes: Collection>(branchValue bytes: Bytes) where Bytes.Element == UInt8 {
        let decoded = bytes.withContiguousStorageIfAvailable { Self.decode($0) }
            ?? Array(bytes).withUnsafeBufferPointer { Self.decode($0) }
        guard let decoded else { return nil }
        self = decoded
    }

    /// `z9hG4bK` + hash index (hex) + "." + label (hex) + "." + branch (decimal), over the
    /// bytes themselves (three fields in locals: no allocation per reply matched).
    @inlinable
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> TransactionBranchID? {
        let cookie: StaticString = "z9hG4bK"
        let cookieLength = cookie.utf8CodeUnitCount
        guard bytes.count > cookieLength + 5 else { return nil }
        for i in 0 ..< cookieLength where bytes[i] != cookie.utf8Start[i] { return nil }
        var hash: UInt64 = 0
        var label: UInt64 = 0
        var index: UInt64 = 0
        var field = 0
        var digits = 0
        for i in cookieLength ..< bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: ".") {
                guard digits > 0, field < 2 else { return nil }
                field += 1
                digits = 0
                continue
            }
            let value: UInt64
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a") ... UInt8(ascii: "f") where field < 2: value = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            digits += 1
            guard digits <= 8 else { return nil }
            switch field {
            case 0: hash = hash * 16 + value
            case 1: label = label * 16 + value
            default: index = index * 10 + value
            }
        }
        guard field == 2, digits > 0, index < 1 << 16 else { return nil }
        return TransactionBranchID(transaction: TransactionID(hashIndex: UInt32(hash), label: UInt32(label)),
                                   branch: Int(index))
    }
}
