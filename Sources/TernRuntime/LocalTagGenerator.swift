import SIPCore

/// To-tags for locally generated replies, in Kamailio's `<32 hex>.<8 hex>` shape: a prefix
/// fixed for the server's lifetime and a CRC of Call-ID, From-tag and top Via branch, so a
/// retransmitted request gets the same tag and its ACK can be recognised.
public struct LocalTagGenerator: Sendable {
    public let prefix: String
    private let prefixBytes: [UInt8]

    public init(seed: String) {
        // Two independent 64-bit mixes of the seed, the time and randomness: unique enough
        // across restarts and nodes without a cryptographic hash on the start-up path.
        var generator = SystemRandomNumberGenerator()
        var high = UInt64(truncatingIfNeeded: seed.hashValue) ^ generator.next()
        var low = generator.next()
        high = high &* 0x9E37_79B9_7F4A_7C15
        low = low ^ (high >> 29)
        prefix = Self.hex(high, digits: 16) + Self.hex(low, digits: 16)
        prefixBytes = Array(prefix.utf8)
    }

    public func tag(for request: SIPMessage) -> String {
        var crc: UInt32 = 0
        request.bytes.withUnsafeBufferPointer { bytes in
            if let range = try? request.callIDRange() {
                crc = CRC32.update(crc, UnsafeBufferPointer(rebasing: bytes[range]))
            }
            if let range = (try? request.from())?.tag {
                crc = CRC32.update(crc, UnsafeBufferPointer(rebasing: bytes[range]))
            }
            if let range = (try? request.topVia())?.branch {
                crc = CRC32.update(crc, UnsafeBufferPointer(rebasing: bytes[range]))
            }
        }
        // Written straight into the string's storage: this runs for every local reply.
        let prefix = prefixBytes
        return String(unsafeUninitializedCapacity: prefix.count + 9) { out in
            _ = out.initialize(fromContentsOf: prefix)
            out[prefix.count] = UInt8(ascii: ".")
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<8 {
                let nibble = Int((crc >> UInt32(28 - 4 * index)) & 0xF)
                out[prefix.count + 1 + index] = digits.utf8Start[nibble]
            }
            return prefix.count + 9
        }
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
