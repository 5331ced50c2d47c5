import TernScript

/// How htable functions and counters pick items by name or string value: Kamailio's
/// operators, regular expressions compiled case-insensitive POSIX ERE as it does.
enum HTableTest {
    case regex(POSIXRegex)
    case startsWith(String)
    case endsWith(String)
    case contains(String)
    case equals(String)
    case notEquals(String)
    /// `$shtcv(t=>eqN)`: integer values equal to N.
    case integerEquals(Int)
    /// `$shtcn(t=>**)`.
    case all

    /// sht_rm_name/sht_rm_value operators: re, sw, ew, in.
    static func removal(_ op: String, _ value: String) throws(POSIXRegex.RegexError) -> HTableTest? {
        switch op {
        case "re": return .regex(try POSIXRegex.moduleArgument(value))
        case "sw": return .startsWith(value)
        case "ew": return .endsWith(value)
        case "in": return .contains(value)
        default: return nil
        }
    }

    /// sht_match_name/sht_has_name/sht_match_str_value/sht_has_str_value operators: eq, ne, re, sw.
    static func matching(_ op: String, _ value: String) throws(POSIXRegex.RegexError) -> HTableTest? {
        switch op {
        case "eq": return .equals(value)
        case "ne": return .notEquals(value)
        case "re": return .regex(try POSIXRegex.moduleArgument(value))
        case "sw": return .startsWith(value)
        default: return nil
        }
    }

    /// `$shtcn`/`$shtcv` inner text after `=>`: `~~re`, `~%suffix`, `%~prefix`, `==text`,
    /// `eqN` (values only), `**` (all); anything else is a regular expression.
    static func counting(_ text: String) throws(POSIXRegex.RegexError) -> HTableTest? {
        let chars = Array(text.utf8)
        if chars.count >= 2 {
            let rest = String(decoding: chars[2...], as: UTF8.self)
            switch (chars[0], chars[1]) {
            case (UInt8(ascii: "*"), UInt8(ascii: "*")): return .all
            case (UInt8(ascii: "~"), UInt8(ascii: "~")): return rest.isEmpty ? nil : .regex(try POSIXRegex.moduleArgument(rest))
            case (UInt8(ascii: "~"), UInt8(ascii: "%")): return rest.isEmpty ? nil : .endsWith(rest)
            case (UInt8(ascii: "%"), UInt8(ascii: "~")): return rest.isEmpty ? nil : .startsWith(rest)
            case (UInt8(ascii: "="), UInt8(ascii: "=")): return rest.isEmpty ? nil : .equals(rest)
            case (UInt8(ascii: "e"), UInt8(ascii: "q")): return rest.isEmpty ? nil : .integerEquals(Int(rest) ?? 0)
            default: break
            }
        }
        guard !text.isEmpty else { return nil }
        return .regex(try POSIXRegex.moduleArgument(text))
    }

    func matches(_ text: String) -> Bool {
        switch self {
        case .regex(let re): return re.matches(text)
        case .startsWith(let s): return text.utf8.starts(with: s.utf8)
        case .endsWith(let s): return text.utf8.count >= s.utf8.count && text.utf8.reversed().starts(with: s.utf8.reversed())
        case .contains(let s): return text.contains(s)
        case .equals(let s): return text == s
        case .notEquals(let s): return text != s
        case .integerEquals: return false
        case .all: return true
        }
    }

    /// Against an item's name.
    func matchesName(_ key: String) -> Bool {
        if case .integerEquals = self { return false }
        return matches(key)
    }

    /// Against an item's value: string values only, except for `eqN`, which looks at integers.
    func matchesValue(_ value: HTableValue) -> Bool {
        switch (self, value) {
        case (.integerEquals(let n), .int(let v)): return n == v
        case (.integerEquals, _): return false
        case (.all, _): return true
        case (_, .string(let s)): return matches(s)
        default: return false
        }
    }
}
