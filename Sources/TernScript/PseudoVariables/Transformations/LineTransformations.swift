/// The `line.` class on multi-line text (a body, a header list): lines end at LF, a CR before
/// it is dropped. As in Kamailio 5.6.3, `{line.count}` gives a string-typed number and a
/// final LF does not start another line.
enum LineTransformations {
    static var all: [TransformationDeclaration] {
        [
            TransformationDeclaration(name: "line.count") { _, _ throws(Diagnostic) in
                { _, v in
                    guard let b = input(v) else { return .null }
                    var n = b.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    if b.last != 0x0A { n += 1 }
                    return .string(String(n))
                }
            },
            TransformationDeclaration(name: "line.at", parameterCounts: 1...1) { p, at throws(Diagnostic) in
                try p[0].requireInt("line.at", at: at)
                let index = p[0]
                return { ctx, v in
                    guard let b = input(v), let n = index.int(ctx) else { return .null }
                    var body = b[...]
                    if n < 0, body.last == 0x0A { body = body.dropLast() }
                    let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false)
                    let k = n >= 0 ? n : lines.count + n
                    guard k >= 0, k < lines.count else { return .string("") }
                    return .string(ByteText.string(withoutCR(lines[k])))
                }
            },
            TransformationDeclaration(name: "line.sw", parameterCounts: 1...1) { p, _ throws(Diagnostic) in
                let prefix = p[0]
                return { ctx, v in
                    guard let b = input(v), let s = prefix.string(ctx) else { return .null }
                    let want = Array(s.utf8)
                    for line in b.split(separator: 0x0A, omittingEmptySubsequences: false) where line.starts(with: want) {
                        return .string(ByteText.string(withoutCR(line)))
                    }
                    return .string("")
                }
            },
        ]
    }

    private static func input(_ v: ScriptValue) -> [UInt8]? {
        guard !v.isNull else { return nil }
        let b = Array(v.stringValue.utf8)
        return b.isEmpty ? nil : b
    }

    private static func withoutCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0D ? line.dropLast() : line
    }
}
