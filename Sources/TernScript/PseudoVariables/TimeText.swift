#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Time as the C library prints it (local time zone unless UTC is asked): strftime formats for
/// `$timef`, `{s.ftime}`; broken-down fields for `$time`; the microseconds of "now".
enum TimeText {
    /// strftime of `seconds` since the epoch; empty when the result would not fit 1 KiB.
    static func format(_ format: String, seconds: Int, utc: Bool) -> String {
        var t = time_t(seconds)
        var parts = tm()
        if utc { gmtime_r(&t, &parts) } else { localtime_r(&t, &parts) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let n = strftime(base, 1024, format, &parts)
            return String(decoding: UnsafeRawBufferPointer(start: base, count: n), as: UTF8.self)
        }
    }

    static func brokenDown(_ seconds: Int, utc: Bool) -> tm {
        var t = time_t(seconds)
        var parts = tm()
        if utc { gmtime_r(&t, &parts) } else { localtime_r(&t, &parts) }
        return parts
    }

    /// Seconds and microseconds since the epoch, now.
    static func now() -> (seconds: Int, microseconds: Int) {
        var tv = timeval()
        gettimeofday(&tv, nil)
        return (Int(tv.tv_sec), Int(tv.tv_usec))
    }
}
