/// The `param.` class: a `name=value` list split at `;` (or the separator given as the last
/// parameter). As in Kamailio 5.6.3: a leading separator makes an empty first parameter, one
/// trailing separator is ignored, a comma ends the list, quoted values lose their quotes, and
/// names compare without regard to case.
enum ParamTransformations {
    static var all: [TransformationDeclaration] {
        [
            TransformationDeclaration(name: "param.value", parameterCounts: 1...2, lastParameterIsCharacter: true) { p, at throws(Diagnostic) in
                let name = p[0]
                let separator = try separatorParameter(p, at: at)
                return { ctx, v in
                    guard let list = ParamList(v, separator: separator), let n = name.string(ctx) else { return .null }
                    return .string(list.items.first { ByteText.equalIgnoringCase($0.name[...], n) }.map { ByteText.string($0.value) } ?? "")
                }
            },
            TransformationDeclaration(name: "param.in", parameterCounts: 1...2, lastParameterIsCharacter: true) { p, at throws(Diagnostic) in
                let name = p[0]
                let separator = try separatorParameter(p, at: at)
                return { ctx, v in
                    guard let list = ParamList(v, separator: separator), let n = name.string(ctx) else { return .null }
                    return .int(list.items.contains { ByteText.equalIgnoringCase($0.name[...], n) } ? 1 : 0)
                }
            },
            positional("param.valueat") { $0.value },
            positional("param.name") { $0.name },
            TransformationDeclaration(name: "param.count", parameterCounts: 0...1, lastParameterIsCharacter: true) { p, at throws(Diagnostic) in
                var separator = UInt8(ascii: ";")
                if let s = p.first { separator = try StringTransformations.character(s, "param.count", at: at) }
                let sep = separator
                return { _, v in
                    guard let list = ParamList(v, separator: sep) else { return .null }
                    return .int(list.items.count)
                }
            },
        ]
    }

    private static func separatorParameter(_ p: [TransformationParameter], at: SourceLocation) throws(Diagnostic) -> UInt8 {
        guard p.count == 2 else { return UInt8(ascii: ";") }
        guard p[1].text != "," else {
            // 5.6.3 refuses a comma as the separator of these (only {param.count} takes it).
            throw .error("a comma cannot be the separator here", at: at)
        }
        return try StringTransformations.character(p[1], "param", at: at)
    }

    /// `{param.valueat,n}` / `{param.name,n}`: by position, negative from the end; "" past the end.
    private static func positional(_ name: String, _ pick: @escaping @Sendable (ParamList.Item) -> [UInt8]) -> TransformationDeclaration {
        TransformationDeclaration(name: name, parameterCounts: 1...2, lastParameterIsCharacter: true) { p, at throws(Diagnostic) in
            try p[0].requireInt(name, at: at)
            let index = p[0]
            let separator = try separatorParameter(p, at: at)
            return { ctx, v in
                guard let list = ParamList(v, separator: separator), let n = index.int(ctx) else { return .null }
                let k = n >= 0 ? n : list.items.count + n
                guard k >= 0, k < list.items.count else { return .string("") }
                return .string(ByteText.string(pick(list.items[k])))
            }
        }
    }
}

/// A parsed `name=value` list.
struct ParamList {
    struct Item {
        var name: [UInt8]
        var value: [UInt8]
    }

    var items: [Item] = []

    /// Nil for a null or empty value, or an unterminated quoted value.
    init?(_ value: ScriptValue, separator: UInt8) {
        guard !value.isNull else { return nil }
        var b = Array(value.stringValue.utf8)
        guard !b.isEmpty else { return nil }
        if b.count > 1, b.last == separator { b.removeLast() }
        var i = 0
        @inline(__always) func skipBlanks() { while i < b.count, ByteText.isBlank(b[i]) { i += 1 } }
        while true {
            skipBlanks()
            let nameStart = i
            while i < b.count, b[i] != UInt8(ascii: "="), b[i] != separator, b[i] != UInt8(ascii: ","), !ByteText.isBlank(b[i]) { i += 1 }
            var item = Item(name: Array(b[nameStart..<i]), value: [])
            skipBlanks()
            if i < b.count, b[i] == UInt8(ascii: "=") {
                i += 1
                skipBlanks()
                if i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                    let quote = b[i]
                    guard let close = b[(i + 1)...].firstIndex(of: quote) else { return nil }
                    item.value = Array(b[(i + 1)..<close])
                    i = close + 1
                } else {
                    let valueStart = i
                    while i < b.count, b[i] != separator, b[i] != UInt8(ascii: ","), !ByteText.isBlank(b[i]) { i += 1 }
                    item.value = Array(b[valueStart..<i])
                }
                skipBlanks()
            }
            items.append(item)
            guard i < b.count, b[i] == separator, b[i] != UInt8(ascii: ",") else { break }
            i += 1
        }
    }
}
