/// Standard base64 (RFC 4648 §4) over bytes, for nonces; decoding refuses anything else.
enum Base64Bytes {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let length = (bytes.count + 2) / 3 * 4
        return [UInt8](unsafeUninitializedCapacity: length) { out, count in
            bytes.withUnsafeBytes { encode($0, into: UnsafeMutableRawBufferPointer(out)) }
            count = length
        }
    }

    /// Writes (count + 2) / 3 * 4 characters to `out`.
    static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        let a = alphabet.utf8Start
        let n = bytes.count
        var i = 0
        var o = 0
        while i &+ 2 < n {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i &+ 1]) << 8 | UInt32(bytes[i &+ 2])
            out[o] = a[Int(v >> 18 & 63)]
            out[o &+ 1] = a[Int(v >> 12 & 63)]
            out[o &+ 2] = a[Int(v >> 6 & 63)]
            out[o &+ 3] = a[Int(v & 63)]
            i &+= 3
            o &+= 4
        }
        let rest = n &- i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out[o] = a[Int(v >> 18 & 63)]
            out[o &+ 1] = a[Int(v >> 12 & 63)]
            out[o &+ 2] = UInt8(ascii: "=")
            out[o &+ 3] = UInt8(ascii: "=")
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i &+ 1]) << 8
            out[o] = a[Int(v >> 18 & 63)]
            out[o &+ 1] = a[Int(v >> 12 & 63)]
            out[o &+ 2] = a[Int(v >> 6 & 63)]
            out[o &+ 3] = UInt8(ascii: "=")
        }
    }

    /// Decodes unpadded-length-multiple-of-4 input without padding; nil for anything else.
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var out = [UInt8](repeating: 0, count: text.count / 4 * 3)
        let n = out.withUnsafeMutableBytes { o in text.withUnsafeBytes { decode($0, into: o) } }
        return n == nil ? nil : out
    }

    /// Decodes into `out` (room for count / 4 * 3 bytes); the number of bytes written, nil
    /// for input that is not unpadded base64 of a length that is a multiple of 4.
    static func decode(_ text: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard text.count % 4 == 0, out.count >= text.count / 4 * 3 else { return nil }
        var i = 0
        var o = 0
        while i < text.count {
            var v: UInt32 = 0
            for k in 0 ..< 4 {
                guard let d = value(text[i &+ k]) else { return nil }
                v = v << 6 | d
            }
            out[o] = UInt8(truncatingIfNeeded: v >> 16)
            out[o &+ 1] = UInt8(truncatingIfNeeded: v >> 8)
            out[o &+ 2] = UInt8(truncatingIfNeeded: v)
            i &+= 4
            o &+= 3
        }
        return o
    }

    @inline(__always) private static func value(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A") ... UInt8(ascii: "Z"): return UInt32(c &- UInt8(ascii: "A"))
        case UInt8(ascii: "a") ... UInt8(ascii: "z"): return UInt32(c &- UInt8(ascii: "a") &+ 26)
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): return UInt32(c &- UInt8(ascii: "0") &+ 52)
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
