// textops replacements: replace, replace_all, replace_body, replace_body_all,
// replace_body_atonce, replace_hdrs and the plain-string replace_str family. Each match becomes
// an edit of the original bytes; the first line is never touched (Kamailio starts after it).
import SIPCore
import TernScript

enum TextOpsReplace {
    /// Where a replacement looks.
    enum Region {
        /// Headers and body.
        case message
        case headers
        case body

        func range(_ m: SIPMessage) -> Range<Int> {
            switch self {
            case .message: return m.firstHeaderOffset ..< m.bodyRange.upperBound
            case .headers: return m.firstHeaderOffset ..< max(m.firstHeaderOffset, m.emptyLineOffset)
            case .body: return m.bodyRange
            }
        }
    }

    static var functions: [FunctionDeclaration] {
        [
            regexReplace("replace", .message, all: false),
            regexReplace("replace_all", .message, all: true),
            regexReplace("replace_body", .body, all: false),
            regexReplace("replace_body_all", .body, all: true),
            // One regex over the whole body: `.` crosses line ends and `^` only matches at its start.
            regexReplace("replace_body_atonce", .body, all: true, newlineSensitive: false, restartLines: false),
            regexReplace("replace_hdrs", .headers, all: false),
            stringReplace("replace_str", .message),
            stringReplace("replace_body_str", .body),
            stringReplace("replace_hdrs_str", .headers),
        ]
    }

    private static func regexReplace(
        _ name: String, _ region: Region, all: Bool, newlineSensitive: Bool = true, restartLines: Bool = true
    ) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.literal, .literal]) { args, _ throws(Diagnostic) in
            let regex = try TextOpsArguments.regex(args[0], name, newlineSensitive: newlineSensitive)
            let text = try TextOpsArguments.literal(args[1], name)
            return { ctx in
                let range = region.range(ctx.message)
                // Kamailio reports an empty header section or body as "nothing found".
                guard !range.isEmpty else { return -1 }
                if !all { return replaceFirst(ctx, regex, range, text) }
                return replaceAll(ctx, regex, range, text, restartLines: restartLines, function: name)
            }
        }
    }

    static func replaceFirst(_ ctx: ScriptContext, _ regex: POSIXRegex, _ range: Range<Int>, _ text: [UInt8]) -> Int {
        guard let match = ctx.message.bytes.withUnsafeBufferPointer({ regex.firstMatchRange(in: $0, range) }) else { return -1 }
        ctx.edits.replace(match, with: text)
        return 1
    }

    /// Every match, left to right. After a match `^` may match again only when it ended at a
    /// line break (`restartLines`). An empty match is an error (the regex could loop forever);
    /// the replacements made before it stay, as in Kamailio.
    static func replaceAll(
        _ ctx: ScriptContext, _ regex: POSIXRegex, _ range: Range<Int>, _ text: [UInt8], restartLines: Bool, function: String
    ) -> Int {
        let bytes = ctx.message.bytes
        var result = -1
        var start = range.lowerBound
        var notBOL = false
        while start < range.upperBound {
            guard let match = bytes.withUnsafeBufferPointer({
                regex.firstMatchRange(in: $0, start ..< range.upperBound, notBeginningOfLine: notBOL)
            }) else { break }
            if match.isEmpty {
                ctx.worker.logger.error("\(function): the regular expression matched an empty string")
                return -1
            }
            ctx.edits.replace(match, with: text)
            start = match.upperBound
            let previous = bytes[start - 1]
            notBOL = !(restartLines && (previous == 10 || previous == 13))
            result = 1
        }
        return result
    }

    private static func stringReplace(_ name: String, _ region: Region) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 3...3, routeTypes: .any) { args, _ throws(Diagnostic) in
            let what = try args[0].formatString()
            let with = try args[1].formatString()
            let mode = try args[2].formatString()
            return { ctx in
                let range = region.range(ctx.message)
                if region != .message && range.isEmpty { return -1 }
                let needle = Array(what.evaluate(ctx).utf8)
                let replacement = Array(with.evaluate(ctx).utf8)
                let first = mode.evaluate(ctx).utf8.first
                let onlyFirst = first == nil || first == UInt8(ascii: "f") || first == UInt8(ascii: "F")
                // Kamailio answers 1 whether or not the text was found.
                guard !needle.isEmpty, !range.isEmpty else { return 1 }
                let bytes = ctx.message.bytes
                var start = range.lowerBound
                while let found = find(needle, in: bytes, start ..< range.upperBound) {
                    ctx.edits.replace(found ..< found + needle.count, with: replacement)
                    if onlyFirst { break }
                    start = found + needle.count
                }
                return 1
            }
        }
    }

    /// Offset of the first occurrence of `needle` (case-sensitive) inside `range`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard let first = needle.first, needle.count <= range.count else { return nil }
        var i = range.lowerBound
        let last = range.upperBound - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
