import ArgumentParser
import Foundation
import TernRPCModel

/// Prints results: JSON for scripts (`--json`), otherwise text as kamcmd prints it (one
/// value per line, structs as `name: value`) or a table where a command's result is one.
enum ResultPrinter {
    static func json(_ value: RPCValue) {
        print(RPCJSON.encode(value, pretty: true))
    }

    /// kamcmd-like text for any value.
    static func text(_ value: RPCValue) {
        for line in lines(value, indent: "") { print(line) }
    }

    static func lines(_ value: RPCValue, indent: String) -> [String] {
        switch value {
        case .null: return []
        case .string(let text): return text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }
        case .int, .double, .bool: return [indent + scalar(value)]
        case .array(let items): return items.flatMap { lines($0, indent: indent) }
        case .object(let object):
            var result: [String] = []
            for entry in object.entries {
                switch entry.value {
                case .object, .array:
                    result.append("\(indent)\(entry.key):")
                    result += lines(entry.value, indent: indent + "\t")
                default:
                    result.append("\(indent)\(entry.key): \(scalar(entry.value))")
                }
            }
            return result
        }
    }

    static func scalar(_ value: RPCValue) -> String {
        switch value {
        case .null: return ""
        case .double(let number): return String(number)
        case .array, .object: return RPCJSON.encode(value)
        default: return value.textValue ?? ""
        }
    }

    /// Columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(render(header))
        for row in rows { print(render(row)) }
    }
}

/// Runs `body`, printing a failure to stderr and exiting with its code.
func runCall(_ body: () throws(ClientFailure) -> Void) throws {
    do {
        try body()
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(error.exitCode)
    }
}

/// kamcmd's argument typing: numbers go as integers (or doubles), `s:` forces a string,
/// `i:` an integer.
func rpcParameter(_ text: String) -> RPCValue {
    if text.hasPrefix("s:") { return .string(String(text.dropFirst(2))) }
    if text.hasPrefix("i:"), let number = Int(text.dropFirst(2)) { return .int(number) }
    if let number = Int(text) { return .int(number) }
    if text.contains("."), let number = Double(text), text.first?.isNumber == true || text.first == "-" { return .double(number) }
    return .string(text)
}
