import SIPCore

/// To-tags for locally generated replies, in Kamailio's `<32 hex>.<8 hex>` shape: a prefix
/// fixed for the server's lifetime and a CRC of Call-ID, From-tag and top Via branch, so a
/// retransmitted request gets the same tag and its ACK can be recognised.
public struct LocalTagGenerator: Sendable {
    public let prefix: String
    /// The prefix's 32 ASCII hex digits as four words: written per reply without touching
    /// a shared heap object (an Array here would be retained by every worker each time).
    private let prefixWords: (UInt64, UInt64, UInt64, UInt64)

    /// Length of every tag: 32 hex digits, ".", 8 hex digits.
    public static let tagLength = 41

    public init(seed: String) {
        // Two independent 64-bit mixes of the seed, the time and randomness: unique enough
        // across restarts and nodes without a cryptographic hash on the start-up path.
        var generator = SystemRandomNumberGenerator()
        var high = UInt64(truncatingIfNeeded: seed.hashValue) ^ generator.next()
        var low = generator.next()
        high = high &* 0x9E37_79B9_7F4A_7C15
        low = low ^ (high >> 29)
        let text = Self.hex(high, digits: 16) + Self.hex(low, digits: 16)
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for (index, byte) in text.utf8.prefix(32).enumerated() { raw[index] = byte }
        }
        prefix = text
        prefixWords = words
    }

    public func tag(for request: SIPMessage) -> String {
        var text = tagText(for: request)
        return withUnsafeBytes(of: &text) { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[0 ..< Self.tagLength]), as: UTF8.self)
        }
    }

    /// The tag for `request` as bytes valid inside `body` (no String made): what the
    /// stateless reply path writes into the reply. Not generic, so callers in other modules
    /// get this compiled code rather than an unspecialised generic.
    public func withTag(for request: SIPMessage, _ body: (UnsafeBufferPointer<UInt8>) -> [UInt8]) -> [UInt8] {
        var text = tagText(for: request)
        return withUnsafeBytes(of: &text) { raw in
            body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0 ..< Self.tagLength]))
        }
    }

    /// 32 prefix bytes, ".", 8 hex digits of the CRC, in a value that lives on the stack.
    private typealias TagText = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private func tagText(for request: SIPMessage) -> TagText {
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
        var text: TagText = (prefixWords.0, prefixWords.1, prefixWords.2, prefixWords.3, 0, 0)
        withUnsafeMutableBytes(of: &text) { raw in
            raw[32] = UInt8(ascii: ".")
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<8 {
                let nibble = Int((crc >> UInt32(28 - 4 * index)) & 0xF)
                raw[33 + index] = digits.utf8Start[nibble]
            }
        }
        return text
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
