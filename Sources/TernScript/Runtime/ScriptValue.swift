/// A script value: Kamailio's int, string, or undefined (`$null`, an absent header, an unset AVP).
public enum ScriptValue: Sendable, Equatable {
    case int(Int)
    case string(String)
    case null

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Kamailio's conversion to int: strings holding a decimal (with optional sign) or `0x` hex
    /// number convert to it, every other string (`"abc"`, `"42abc"`) and null to 0.
    public var intValue: Int {
        switch self {
        case .int(let i): return i
        case .string(let s): return ScriptValue.integer(from: s)
        case .null: return 0
        }
    }

    /// Kamailio's conversion to string: ints in decimal, null as "".
    public var stringValue: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        case .null: return ""
        }
    }

    /// Script integers are 32-bit and wrap around (spec §9).
    @inline(__always) static func wrap(_ v: Int) -> Int {
        Int(Int32(truncatingIfNeeded: v))
    }

    static func integer(from s: String) -> Int {
        var s = s
        return s.withUTF8 { integer(fromBytes: $0) }
    }

    static func integer(fromBytes u: UnsafeBufferPointer<UInt8>) -> Int {
        if u.isEmpty { return 0 }
        var i = 0
        var negative = false
        if u[0] == UInt8(ascii: "-") || u[0] == UInt8(ascii: "+") {
            negative = u[0] == UInt8(ascii: "-")
            i = 1
        }
        if i == 0, u.count > 2, u[0] == UInt8(ascii: "0"), u[1] == UInt8(ascii: "x") || u[1] == UInt8(ascii: "X") {
            var v: UInt32 = 0
            for b in u[2...] {
                guard isHexDigit(b) else { return 0 }
                v = v &* 16 &+ UInt32(hexValue(b))
            }
            return Int(Int32(bitPattern: v))
        }
        guard i < u.count else { return 0 }
        var v = 0
        for b in u[i...] {
            guard isDigit(b) else { return 0 }
            v = v &* 10 &+ Int(b - UInt8(ascii: "0"))
            // Beyond a 32-bit int the conversion fails, and a failed conversion is 0.
            if v > Int(Int32.max) + (negative ? 1 : 0) { return 0 }
        }
        return negative ? -v : v
    }
}
