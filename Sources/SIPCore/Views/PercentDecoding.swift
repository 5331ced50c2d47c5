// RFC 3261 §19.1.2 escapes: `%HH` stands for one byte. `%00` stays a NUL byte (RFC 4475 escnull):
// decoding never stops early. A `%` not followed by two hex digits is kept as written.

public enum PercentDecoding {
    public static func decode(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt8] {
        let r = Scan.clamp(range, bytes.count)
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        var i = r.lowerBound
        while i < r.upperBound {
            let b = bytes[i]
            if b == ASCII.percent, i + 2 < r.upperBound,
                let hi = ByteClass.hexValue(bytes[i + 1]), let lo = ByteClass.hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    /// True when the range contains a `%` escape.
    public static func containsEscape(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes[Scan.clamp(range, bytes.count)].contains(ASCII.percent)
    }
}
