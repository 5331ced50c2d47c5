// textops filter_body(type): of a multipart/mixed body keep only the content of the first part
// of that content type (the message's own Content-Type is left as it is, as in Kamailio).
import SIPCore
import TernScript

enum MultipartFilter {
    static var function: FunctionDeclaration {
        FunctionDeclaration(name: "filter_body", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
            guard let type = args[0].literalText, !type.isEmpty else {
                throw .error("filter_body: the content type must be a constant string", at: args[0].location)
            }
            let wanted = Array(type.utf8).map(asciiLower)
            return { ctx in filter(ctx, wanted) }
        }
    }

    private static let multipartMixed = MIMEType(type: 3, subtype: 13)

    static func filter(_ ctx: ScriptContext, _ wanted: [UInt8]) -> Int {
        let m = ctx.message
        let bytes = m.bytes
        let body = m.bodyRange
        guard !body.isEmpty, let field = m.firstHeader(.contentType), MIMEType(bytes[field.valueRange]) == multipartMixed,
              let boundary = boundary(bytes[field.valueRange])
        else { return -1 }
        var lineStart = body.lowerBound
        while lineStart < body.upperBound {
            let lineEnd = bytes[lineStart ..< body.upperBound].firstIndex(of: 10).map { $0 + 1 } ?? body.upperBound
            if let valueStart = contentTypeValue(bytes, lineStart ..< lineEnd) {
                let remaining = body.upperBound - valueStart
                // Kamailio gives up when the rest is too short to hold the type and a CRLF.
                guard remaining > wanted.count + 2 else { return -1 }
                let candidate = bytes[valueStart ..< valueStart + wanted.count].map(asciiLower)
                if candidate == wanted {
                    var contentStart = valueStart + wanted.count
                    guard bytes[contentStart] == 13, bytes[contentStart + 1] == 10 else { return -1 }
                    contentStart += 2
                    while contentStart < body.upperBound && (bytes[contentStart] == 13 || bytes[contentStart] == 10) { contentStart += 1 }
                    guard let next = lineStarting(with: boundary, in: bytes, contentStart ..< body.upperBound), next >= contentStart + 2 else {
                        return -1
                    }
                    ctx.edits.delete(body.lowerBound ..< contentStart)
                    // The CRLF before the boundary belongs to it.
                    ctx.edits.delete(next - 2 ..< body.upperBound)
                    return 1
                }
            }
            lineStart = lineEnd
        }
        return -1
    }

    /// `--boundary` from the Content-Type's boundary parameter (quotes removed).
    private static func boundary(_ value: ArraySlice<UInt8>) -> [UInt8]? {
        for part in value.split(separator: UInt8(ascii: ";")).dropFirst() {
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1)
            guard pieces.count == 2 else { continue }
            let name = pieces[0].filter { $0 != 32 && $0 != 9 }.map(asciiLower)
            guard name.elementsEqual("boundary".utf8) else { continue }
            var v = pieces[1].drop { $0 == 32 || $0 == 9 }
            while let l = v.last, l == 32 || l == 9 { v = v.dropLast() }
            if v.count >= 2, v.first == UInt8(ascii: "\""), v.last == UInt8(ascii: "\"") { v = v.dropFirst().dropLast() }
            guard !v.isEmpty else { return nil }
            return Array("--".utf8) + v
        }
        return nil
    }

    /// Where the value of a `Content-Type:` (or `c:`) line starts, after the colon and blanks.
    private static func contentTypeValue(_ bytes: [UInt8], _ line: Range<Int>) -> Int? {
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var nameEnd = colon
        while nameEnd > line.lowerBound && (bytes[nameEnd - 1] == 32 || bytes[nameEnd - 1] == 9) { nameEnd -= 1 }
        let name = String(decoding: bytes[line.lowerBound ..< nameEnd], as: UTF8.self)
        guard HeaderName(name: name) == .contentType else { return nil }
        var i = colon + 1
        while i < line.upperBound && (bytes[i] == 32 || bytes[i] == 9) { i += 1 }
        return i < line.upperBound ? i : nil
    }

    /// Start of the first line inside `range` that begins with `prefix`.
    private static func lineStarting(with prefix: [UInt8], in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            if range.upperBound - lineStart >= prefix.count && bytes[lineStart ..< lineStart + prefix.count].elementsEqual(prefix) {
                return lineStart
            }
            guard let lf = bytes[lineStart ..< range.upperBound].firstIndex(of: 10) else { return nil }
            lineStart = lf + 1
        }
        return nil
    }
}
