#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's memory, under the names of Kamailio's shared-memory statistics (Tern has no
/// separate shared-memory pool; every worker thread shares the process heap):
///
/// | statistic        | figure                                                         |
/// |------------------|----------------------------------------------------------------|
/// | `total_size`     | memory the allocator holds from the system (heap + mmapped)    |
/// | `used_size`      | of that, what is allocated to the program                      |
/// | `free_size`      | of that, what is free inside the allocator                     |
/// | `fragments`      | free chunks inside the allocator                               |
/// | `real_used_size` | resident set size of the process (all it occupies in RAM)      |
/// | `max_used_size`  | peak resident set size                                         |
///
/// The allocator figures come from glibc's malloc_info (found at run time, as Swift does not
/// import <malloc.h>); the resident sizes from /proc/self/status.
struct HeapFigures: Equatable {
    var total = 0
    var used = 0
    var free = 0
    var fragments = 0
    var realUsed = 0
    var maxUsed = 0

    static let statisticNames = ["total_size", "used_size", "real_used_size", "max_used_size", "free_size", "fragments"]

    func value(named name: String) -> Int? {
        switch name {
        case "total_size": return total
        case "used_size": return used
        case "real_used_size": return realUsed
        case "max_used_size": return maxUsed
        case "free_size": return free
        case "fragments": return fragments
        default: return nil
        }
    }

    /// The figures now.
    static func current() -> HeapFigures {
        var figures = HeapFigures()
        if let xml = mallocInfo() { figures.readAllocator(xml) }
        if let status = readFile("/proc/self/status") {
            figures.realUsed = kilobytes(in: status, field: "VmRSS:") ?? 0
            figures.maxUsed = kilobytes(in: status, field: "VmHWM:") ?? figures.realUsed
        }
        return figures
    }

    /// Reads the process-wide totals, which malloc_info prints after the last `</heap>`:
    /// `<total type="fast|rest|mmap" count=".." size=".."/>` and `<system type="current" size=".."/>`.
    mutating func readAllocator(_ xml: String) {
        let bytes = Array(xml.utf8)
        let start = HeapFigures.lastOccurrence(of: Array("</heap>".utf8), in: bytes) ?? 0
        let tail = String(decoding: bytes[start...], as: UTF8.self)
        var freeBytes = 0, freeChunks = 0, mapped = 0, system = 0
        for line in tail.split(separator: "\n") {
            let type = HeapFigures.attribute("type", in: line)
            let size = HeapFigures.attribute("size", in: line).flatMap { Int($0) } ?? 0
            let count = HeapFigures.attribute("count", in: line).flatMap { Int($0) } ?? 0
            if line.hasPrefix("<total") {
                switch type {
                case "fast", "rest":
                    freeBytes += size
                    freeChunks += count
                case "mmap":
                    mapped += size
                default: break
                }
            } else if line.hasPrefix("<system"), type == "current" {
                system = size
            }
        }
        total = system + mapped
        free = freeBytes
        used = max(0, total - freeBytes)
        fragments = freeChunks
    }

    private static func attribute(_ name: String, in line: Substring) -> String? {
        guard let range = line.firstRange(of: name + "=\"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    private static func lastOccurrence(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var i = bytes.count - needle.count
        while i >= 0 {
            if bytes[i ..< i + needle.count].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// `VmRSS:     1234 kB` → bytes.
    static func kilobytes(in status: String, field: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let digits = line.dropFirst(field.count).filter { $0.isNumber }
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    private static func mallocInfo() -> String? {
        #if os(Linux)
        typealias MallocInfo = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
        guard let symbol = dlsym(nil, "malloc_info") else { return nil }
        let function = unsafeBitCast(symbol, to: MallocInfo.self)
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        guard let stream = open_memstream(&buffer, &length) else { return nil }
        let status = function(0, stream)
        fclose(stream)
        defer { Glibc.free(buffer) }
        guard status == 0, let buffer else { return nil }
        return String(cString: buffer)
        #else
        return nil
        #endif
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += chunk[0 ..< n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
