/// Finds the `?` placeholders of a statement, skipping string literals, quoted identifiers
/// (", `) and `--` comments, and splits the statement around them: n placeholders give n+1
/// pieces. PostgreSQL joins the pieces with `$1…`, MySQL with escaped literals.
enum SQLPlaceholders {
    static func split(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var pieces: [String] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                // Skip to the closing quote; a doubled quote is an escaped one.
                i += 1
                while i < bytes.count {
                    if bytes[i] == c {
                        if i + 1 < bytes.count && bytes[i + 1] == c { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "?"):
                pieces.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += 1
                start = i
            default:
                i += 1
            }
        }
        pieces.append(String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self))
        return pieces
    }

    /// `?` → `$1, $2…`; returns the statement and the number of placeholders.
    static func numbered(_ sql: String) -> (String, Int) {
        let pieces = split(sql)
        guard pieces.count > 1 else { return (sql, 0) }
        var out = pieces[0]
        for (n, piece) in pieces.dropFirst().enumerated() {
            out += "$\(n + 1)" + piece
        }
        return (out, pieces.count - 1)
    }
}
