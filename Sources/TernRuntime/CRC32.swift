/// CRC-32 (IEEE 802.3), used where a short stable fingerprint of a few header values is
/// needed, e.g. the suffix of locally generated To-tags.
public enum CRC32 {
    /// Made once and never freed: a plain pointer, so a lookup retains nothing (an Array
    /// global would be retained by each worker on every use).
    private static let table: UnsafePointer<UInt32> = {
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            table[index] = crc
        }
        return UnsafePointer(table)
    }()

    public static func update(_ crc: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let table = Self.table
        var value = ~crc
        for byte in bytes { value = table[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8) }
        return ~value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { update(0, $0) }
    }
}
