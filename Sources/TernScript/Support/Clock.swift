#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// C's ctime() without the trailing newline: `Mon Nov 23 10:01:23 2026` (local time).
func ctimeText(_ seconds: Int) -> String {
    var t = time_t(seconds)
    var buffer = [CChar](repeating: 0, count: 64)
    guard ctime_r(&t, &buffer) != nil else { return "" }
    var s = String(cString: buffer)
    while s.hasSuffix("\n") { s.removeLast() }
    return s
}

func currentProcessID() -> Int {
    Int(getpid())
}
