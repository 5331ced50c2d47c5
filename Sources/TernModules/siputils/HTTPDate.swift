// The date of a Date header (RFC 3261 §20.17, RFC 1123 form), for hdr_date_check.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The RFC 1123 date of a Date header (`Sat, 13 Nov 2010 23:29:00 GMT`) as seconds since the epoch.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ value: ArraySlice<UInt8>) -> Int? {
        let text = String(decoding: value, as: UTF8.self)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        guard words.count == 6, words[5].uppercased() == "GMT",
              let day = Int(words[1]), let monthIndex = months.firstIndex(of: words[2].lowercased()), let year = Int(words[3])
        else { return nil }
        let clock = words[4].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let mi = Int(clock[1]), let s = Int(clock[2]),
              (1...31).contains(day), (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(monthIndex)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(h)
        parts.tm_min = Int32(mi)
        parts.tm_sec = Int32(s)
        let seconds = timegm(&parts)
        return seconds < 0 ? nil : Int(seconds)
    }
}
