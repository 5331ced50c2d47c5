#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Kamailio stores DATETIME columns (location.expires, acc.time…) as "YYYY-MM-DD HH:MM:SS" in the
/// server's local time; these convert between that and Unix seconds the same way.
public enum DatabaseTime {
    public static func text(fromUnix seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return format(parts)
    }

    private static func format(_ parts: tm) -> String {
        "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2)) \(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
    }

    /// The same format in UTC (PostgreSQL's binary TIMESTAMP is a wall-clock reading counted as UTC).
    public static func utcText(fromUnix seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return format(parts)
    }

    public static func value(fromUnix seconds: Int64) -> DatabaseValue { .text(text(fromUnix: seconds)) }

    /// Reads a DATETIME column back: text "YYYY-MM-DD HH:MM:SS" (fractions ignored) or a number of
    /// Unix seconds (what a Kamailio-made SQLite row may hold). nil for NULL or garbage.
    public static func unix(from value: DatabaseValue) -> Int64? {
        switch value {
        case .int(let v): return v
        case .double(let v): return v.isFinite ? Int64(v) : nil
        case .null: return nil
        case .text, .blob:
            guard let s = value.text else { return nil }
            return unix(fromText: s)
        }
    }

    public static func unix(fromText s: String) -> Int64? {
        let b = Array(s.utf8)
        if !b.isEmpty, b.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return Int64(s) }
        guard b.count >= 19 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int32? {
            var v: Int32 = 0
            for i in from..<(from + len) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int32(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2) else { return nil }
        var parts = tm()
        parts.tm_year = y - 1900
        parts.tm_mon = mo - 1
        parts.tm_mday = d
        parts.tm_hour = h
        parts.tm_min = mi
        parts.tm_sec = se
        parts.tm_isdst = -1
        let t = mktime(&parts)
        return t == -1 ? nil : Int64(t)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
