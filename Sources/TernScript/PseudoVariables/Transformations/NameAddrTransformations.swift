import SIPCore

/// The `nameaddr.` class on `"Display" <uri>` text. Without `<` the whole value is the URI.
/// `{nameaddr.name}` keeps the quotes and the blank before `<`; `{nameaddr.len}` counts up
/// to the `>` (Kamailio 5.6.3).
enum NameAddrTransformations {
    static var all: [TransformationDeclaration] {
        [
            part("nameaddr.name") { b, lt, _ in .string(ByteText.string(b[..<lt])) },
            part("nameaddr.uri") { b, lt, gt in .string(ByteText.string(b[(lt + 1)..<gt])) },
            part("nameaddr.len") { _, _, gt in .int(gt + 1) },
        ]
    }

    /// `body(bytes, index of '<', index of '>')`; a value without `<` is read as `<value>`.
    private static func part(_ name: String, _ body: @escaping @Sendable ([UInt8], Int, Int) -> ScriptValue) -> TransformationDeclaration {
        TransformationDeclaration(name: name) { _, _ throws(Diagnostic) in
            { _, v in
                guard !v.isNull else { return .null }
                let b = Array(v.stringValue.utf8)
                guard !b.isEmpty else { return .null }
                guard let lt = firstUnquoted(UInt8(ascii: "<"), in: b) else {
                    switch name {
                    case "nameaddr.name": return .string("")
                    case "nameaddr.uri": return .string(ByteText.string(b))
                    default: return .int(b.count)
                    }
                }
                guard let gt = b[(lt + 1)...].firstIndex(of: UInt8(ascii: ">")) else { return .null }
                return body(b, lt, gt)
            }
        }
    }

    /// The first `c` outside a quoted display name.
    static func firstUnquoted(_ c: UInt8, in b: [UInt8]) -> Int? {
        var quoted = false
        var i = 0
        while i < b.count {
            let x = b[i]
            if quoted {
                if x == UInt8(ascii: "\\") { i += 2; continue }
                if x == UInt8(ascii: "\"") { quoted = false }
            } else if x == UInt8(ascii: "\"") {
                quoted = true
            } else if x == c {
                return i
            }
            i += 1
        }
        return nil
    }
}

/// The `tobody.` class: a From/To header value (`"Bob" <sip:bob@b.com>;tag=9`). The display
/// name keeps its quotes; `{tobody.params}` is everything after the first `;` behind the URI.
enum ToBodyTransformations {
    static var all: [TransformationDeclaration] {
        [
            part("tobody.uri") { b, na in .string(ByteText.string(b[na.uri.whole])) },
            part("tobody.display") { b, na in .string(na.displayName.map { ByteText.string(b[$0]) } ?? "") },
            part("tobody.tag") { b, na in .string(na.tag.map { ByteText.string(b[$0]) } ?? "") },
            part("tobody.user") { b, na in .string(na.uri.user.map { ByteText.string(b[$0]) } ?? "") },
            part("tobody.host") { b, na in .string(ByteText.string(b[na.uri.host])) },
            part("tobody.params") { b, na in .string(na.paramsRange.map { ByteText.string(b[$0]) } ?? "") },
        ]
    }

    private static func part(_ name: String, _ body: @escaping @Sendable ([UInt8], NameAddr) -> ScriptValue) -> TransformationDeclaration {
        TransformationDeclaration(name: name) { _, _ throws(Diagnostic) in
            { _, v in
                guard !v.isNull else { return .null }
                let b = Array(v.stringValue.utf8)
                guard !b.isEmpty, let na = try? NameAddr.parse(b, 0..<b.count, header: .to) else { return .null }
                return body(b, na)
            }
        }
    }
}
