/// Kamailio's core_hash and core_case_hash (hashes.h): four bytes at a time, then the tail,
/// over one or two strings; bytes are C `char`, so values above 127 count as negative, as on
/// the x86-64 and arm64 builds of Kamailio. Results match Kamailio 5.6.3 (see the tests).
enum CoreHash {
    static func hash(_ s1: [UInt8], _ s2: [UInt8]?, caseInsensitive: Bool = false) -> UInt32 {
        var h: UInt32 = 0
        func add(_ bytes: [UInt8]) {
            var i = 0
            while i + 4 <= bytes.count {
                let v = (widen(bytes[i], caseInsensitive) << 24) &+ (widen(bytes[i + 1], caseInsensitive) << 16)
                    &+ (widen(bytes[i + 2], caseInsensitive) << 8) &+ widen(bytes[i + 3], caseInsensitive)
                h = h &+ (v ^ (v >> 3))
                i += 4
            }
            var v: UInt32 = 0
            while i < bytes.count {
                v = (v << 8) &+ widen(bytes[i], caseInsensitive)
                i += 1
            }
            h = h &+ (v ^ (v >> 3))
        }
        add(s1)
        if let s2 { add(s2) }
        return (h &+ (h >> 11)) &+ ((h >> 13) &+ (h >> 23))
    }

    /// A `char` promoted to int and then to unsigned, as the C expressions do.
    @inline(__always)
    private static func widen(_ byte: UInt8, _ caseInsensitive: Bool) -> UInt32 {
        var b = byte
        if caseInsensitive, b >= 0x41, b <= 0x5A { b |= 0x20 }
        return UInt32(bitPattern: Int32(Int8(bitPattern: b)))
    }
}
