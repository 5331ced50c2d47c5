/// A program's output as exec_dset and exec_avp read it (Kamailio's rules): one value per line,
/// trailing CR, LF, tab and space removed, empty lines skipped.
enum OutputLines {
    static func split(_ output: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for raw in output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = raw
            while let last = line.last,
                last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") || last == UInt8(ascii: "\t") || last == UInt8(ascii: " ") {
                line = line.dropLast()
            }
            if !line.isEmpty { lines.append(Array(line)) }
        }
        return lines
    }
}
