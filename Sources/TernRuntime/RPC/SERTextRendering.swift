/// The SER/mi_fifo text answer: a status line (`200 OK`, or the command's own, or
/// `<code> <message>` for a failure) followed by the result, one value per line. A string
/// is printed as is (legacy commands return their lines ready-made); a struct prints
/// `name: value` lines, nested values indented by a tab.
public enum SERTextRendering {
    public static func render(_ outcome: RPCResponder.Outcome) -> String {
        switch outcome {
        case .failure(let error):
            return "\(error.code) \(error.message)\n"
        case .success(let value, let status):
            var lines: [String] = []
            append(value, indent: "", into: &lines)
            return ([status] + lines).map { $0 + "\n" }.joined()
        }
    }

    /// The result lines alone (kamcmd-like text for human output).
    public static func lines(_ value: RPCValue) -> [String] {
        var lines: [String] = []
        append(value, indent: "", into: &lines)
        return lines
    }

    private static func append(_ value: RPCValue, indent: String, into lines: inout [String]) {
        switch value {
        case .null:
            return
        case .string(let text):
            // SER prints strings verbatim; a trailing newline would add an empty line.
            let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(indent + line)
            }
        case .array(let items):
            for item in items { append(item, indent: indent, into: &lines) }
        case .object(let object):
            for entry in object.entries {
                switch entry.value {
                case .object, .array:
                    lines.append("\(indent)\(entry.key):")
                    append(entry.value, indent: indent + "\t", into: &lines)
                default:
                    lines.append("\(indent)\(entry.key): \(scalarText(entry.value))")
                }
            }
        case .bool, .int, .double:
            lines.append(indent + scalarText(value))
        }
    }

    private static func scalarText(_ value: RPCValue) -> String {
        switch value {
        case .double(let number): return String(number)
        default: return value.textValue ?? ""
        }
    }
}
