import TernScript

/// `table=>key` as written inside `$sht(...)`, sht_lock(), sht_rm_name_re() …: the table
/// name, and the rest with pseudo-variables in it (`creds=>user$var(i)`).
struct HTableReferenceText {
    var table: String
    var rest: String

    /// Kamailio's reading: the name runs to `=` or a blank, blanks may follow, then `=>`.
    static func parse(_ text: String) -> HTableReferenceText? {
        let chars = Array(text.utf8)
        var i = 0
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while i < chars.count, isBlank(chars[i]) { i += 1 }
        let start = i
        while i < chars.count, chars[i] != UInt8(ascii: "="), !isBlank(chars[i]) { i += 1 }
        let end = i
        while i < chars.count, isBlank(chars[i]) { i += 1 }
        guard end > start, i + 1 < chars.count + 1, i < chars.count, chars[i] == UInt8(ascii: "="),
              i + 1 < chars.count, chars[i + 1] == UInt8(ascii: ">") else { return nil }
        return HTableReferenceText(
            table: String(decoding: chars[start ..< end], as: UTF8.self),
            rest: String(decoding: chars[(i + 2)...], as: UTF8.self))
    }
}
