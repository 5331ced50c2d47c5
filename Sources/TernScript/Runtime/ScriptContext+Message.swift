import SIPCore

/// A URI held as text (a rewritten R-URI), with its parsed view over the same bytes.
struct ParsedURIText {
    let bytes: [UInt8]
    let uri: SIPURI?
}

/// Message properties the core pseudo-variables and conditions read, with the script's own
/// changes (a rewritten R-URI) taken into account.
extension ScriptContext {
    /// The current R-URI as text; nil for replies.
    var currentRequestURIText: String? {
        if let newRequestURI { return newRequestURI }
        guard message.kind != .response else { return nil }
        return message.string(message.requestURIRange)
    }

    /// The current R-URI parsed, with the bytes its ranges point into.
    func withCurrentRequestURI<T>(_ body: ([UInt8], SIPURI) -> T?) -> T? {
        if let text = newRequestURI {
            if parsedNewRequestURI == nil {
                let bytes = Array(text.utf8)
                parsedNewRequestURI = ParsedURIText(bytes: bytes, uri: try? SIPURI.parse(bytes, 0..<bytes.count))
            }
            guard let parsed = parsedNewRequestURI, let uri = parsed.uri else { return nil }
            return body(parsed.bytes, uri)
        }
        guard message.kind == .request, let uri = try? message.requestURI() else { return nil }
        return body(message.bytes, uri)
    }

    /// The message's own R-URI (before any rewrite).
    func withOriginalRequestURI<T>(_ body: ([UInt8], SIPURI) -> T?) -> T? {
        guard message.kind == .request, let uri = try? message.requestURI() else { return nil }
        return body(message.bytes, uri)
    }
}

/// Finds header lines by a name given in the config, resolved once: known names (and their
/// compact forms) by enum, others by a case-insensitive byte comparison.
struct HeaderLookup {
    let known: HeaderName
    let lowercasedName: [UInt8]

    init(name: String) {
        known = HeaderName(name: name)
        lowercasedName = Array(name.lowercased().utf8)
    }

    @inline(__always) private func matches(_ field: SIPHeaderField, _ bytes: [UInt8]) -> Bool {
        if known != .other { return field.name == known }
        guard field.name == .other, field.nameRange.count == lowercasedName.count else { return false }
        var i = 0
        for b in bytes[field.nameRange] {
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if lower != lowercasedName[i] { return false }
            i += 1
        }
        return true
    }

    func first(in message: SIPMessage) -> SIPHeaderField? {
        if known != .other { return message.firstHeader(known) }
        let bytes = message.bytes
        for field in message.headers where matches(field, bytes) { return field }
        return nil
    }

    func all(in message: SIPMessage) -> [SIPHeaderField] {
        let bytes = message.bytes
        return message.headers.filter { matches($0, bytes) }
    }
}
