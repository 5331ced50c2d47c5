// textops searches: search, search_body, search_hf, search_append, search_append_body.
// They read the message as received (edits made earlier in the script are not seen).
import SIPCore
import TernScript

enum TextOpsSearch {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "search", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let regex = try TextOpsArguments.regex(args[0], "search")
                return { ctx in
                    let m = ctx.message
                    return m.bytes.withUnsafeBufferPointer { regex.firstMatchRange(in: $0, m.messageStart ..< m.bodyRange.upperBound) } != nil ? 1 : -1
                }
            },
            FunctionDeclaration(name: "search_body", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let regex = try TextOpsArguments.regex(args[0], "search_body")
                return { ctx in
                    let body = ctx.message.bodyRange
                    guard !body.isEmpty else { return -1 }
                    return ctx.message.bytes.withUnsafeBufferPointer { regex.firstMatchRange(in: $0, body) } != nil ? 1 : -1
                }
            },
            FunctionDeclaration(name: "search_hf", argumentCounts: 3...3, routeTypes: .any, argumentKinds: [.literal, .literal, .literal]) { args, _ throws(Diagnostic) in
                let header = try TextOpsArguments.headerName(args[0], "search_hf")
                let regex = try TextOpsArguments.regex(args[1], "search_hf")
                let which = HeaderOccurrence(args[2].literalText ?? "")
                return { ctx in searchHeader(ctx.message, header, regex, which) }
            },
            FunctionDeclaration(name: "search_append", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.literal, .literal]) { args, _ throws(Diagnostic) in
                let regex = try TextOpsArguments.regex(args[0], "search_append")
                let text = try TextOpsArguments.literal(args[1], "search_append")
                return { ctx in
                    let m = ctx.message
                    return appendAfterMatch(ctx, regex, m.firstHeaderOffset ..< m.bodyRange.upperBound, text)
                }
            },
            FunctionDeclaration(name: "search_append_body", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.literal, .literal]) { args, _ throws(Diagnostic) in
                let regex = try TextOpsArguments.regex(args[0], "search_append_body")
                let text = try TextOpsArguments.literal(args[1], "search_append_body")
                return { ctx in
                    let body = ctx.message.bodyRange
                    guard !body.isEmpty else { return -1 }
                    return appendAfterMatch(ctx, regex, body, text)
                }
            },
        ]
    }

    private static func appendAfterMatch(_ ctx: ScriptContext, _ regex: POSIXRegex, _ range: Range<Int>, _ text: [UInt8]) -> Int {
        guard let match = ctx.message.bytes.withUnsafeBufferPointer({ regex.firstMatchRange(in: $0, range) }) else { return -1 }
        ctx.edits.insert(text, at: match.upperBound)
        return 1
    }

    /// search_hf: any header of that name may match ('a', the default), or only the first
    /// ('f') or the last ('l') is tried.
    static func searchHeader(_ message: SIPMessage, _ header: HeaderNameMatcher, _ regex: POSIXRegex, _ which: HeaderOccurrence) -> Int {
        let bytes = message.bytes
        var last: SIPHeaderField?
        for field in message.headers where header.matches(field, in: bytes) {
            if which == .last {
                last = field
                continue
            }
            if regex.matches(bytes, field.valueRange) { return 1 }
            if which == .first { return -1 }
        }
        if let last, regex.matches(bytes, last.valueRange) { return 1 }
        return -1
    }
}

/// Which occurrences of a header a function looks at (Kamailio's 'a' / 'f' / 'l' flag; only
/// the first letter counts, anything else means all).
enum HeaderOccurrence: Equatable {
    case all, first, last

    init(_ flags: String) {
        switch flags.utf8.first {
        case UInt8(ascii: "f"): self = .first
        case UInt8(ascii: "l"): self = .last
        default: self = .all
        }
    }
}
