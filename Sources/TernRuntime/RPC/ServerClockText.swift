#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Times as SER and Kamailio print them: `ctime(3)` in local time, without its newline.
public enum ServerClockText {
    public static func ctime(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var buffer = [CChar](repeating: 0, count: 64)
        guard ctime_r(&value, &buffer) != nil else { return String(seconds) }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    public static func now() -> Int { Int(time(nil)) }

    /// SER's `uptime` reply body (without the status line).
    public static func uptimeLines(now: Int, since: Int) -> String {
        "Now: \(ctime(now))\nUp Since: \(ctime(since))\nUp time: \(now - since) [sec]"
    }
}
