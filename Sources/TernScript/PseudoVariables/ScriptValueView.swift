#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pseudo-variable's value read without copying it out of where it lives: a range of the
/// message bytes, a stored String, an int. Comparisons, regex matches and format strings read
/// values this way, so a header compared with a constant costs no String.
public enum ScriptValueView {
    case null
    case int(Int)
    case string(String)
    /// `bytes[range]` is the value, UTF-8.
    case bytes([UInt8], Range<Int>)

    public init(_ value: ScriptValue) {
        switch value {
        case .null: self = .null
        case .int(let i): self = .int(i)
        case .string(let s): self = .string(s)
        }
    }

    /// The text of `bytes[range]`, or null when there is no range.
    @inline(__always)
    public static func slice(_ bytes: [UInt8], _ range: Range<Int>?) -> ScriptValueView {
        guard let range, range.lowerBound >= 0, range.upperBound <= bytes.count else { return .null }
        return .bytes(bytes, range)
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as a ScriptValue (copies bytes into a String).
    public var value: ScriptValue {
        switch self {
        case .null: return .null
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .bytes(let b, let r): return .string(String(decoding: b[r], as: UTF8.self))
        }
    }

    /// Calls `body` with the value's UTF-8 bytes: ints in decimal, null as no bytes.
    @inline(__always)
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch self {
        case .null:
            return body(UnsafeBufferPointer(start: nil, count: 0))
        case .int(let i):
            return DecimalText.withDigits(i, body)
        case .string(var s):
            return s.withUTF8(body)
        case .bytes(let b, let r):
            return b.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[r])) }
        }
    }

    /// Byte-exact comparison with `other`'s bytes (null reads as empty).
    @inline(__always)
    public func equals(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8 { mine in ByteText.equal(mine, other) }
    }
}

/// Decimal rendering of ints into stack memory (no String).
enum DecimalText {
    @inline(__always)
    static func withDigits<R>(_ value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var v = value.magnitude
            var i = 24
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: v % 10) + UInt8(ascii: "0")
                v /= 10
            } while v > 0
            if value < 0 {
                i -= 1
                buffer[i] = UInt8(ascii: "-")
            }
            return body(UnsafeBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[i..<24])))
        }
    }
}

/// Small byte-text helpers shared by pseudo-variables and transformations.
enum ByteText {
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        return memcmp(pa, pb, a.count) == 0
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    static func equalIgnoringCase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where lower(a[i]) != lower(b[i]) { return false }
        return true
    }

    static func equalIgnoringCase(_ a: ArraySlice<UInt8>, _ b: String) -> Bool {
        let bu = b.utf8
        guard a.count == bu.count else { return false }
        return zip(a, bu).allSatisfy { lower($0) == lower($1) }
    }

    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
