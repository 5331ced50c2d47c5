/// The bytes of one configuration file and the name it is reported under.
final class SourceFile {
    /// The path as it was opened (relative paths stay relative), used in every location.
    let path: String
    let bytes: [UInt8]
    private var lineStartsCache: [Int]?

    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    private var lineStarts: [Int] {
        if let cached = lineStartsCache { return cached }
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        lineStartsCache = starts
        return starts
    }

    /// The text of a 1-based line, without its line terminator.
    func lineText(_ line: Int) -> String? {
        let starts = lineStarts
        guard line >= 1, line <= starts.count else { return nil }
        let start = starts[line - 1]
        var end = line < starts.count ? starts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard start <= end else { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
