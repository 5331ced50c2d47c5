// Shared by textops, siputils and sanity: header lines of a received message as Kamailio's
// module functions see them — a name given in the config resolved once, and each header's
// whole line (name to CRLF, continuation lines included) for edits.
import SIPCore

/// A header name from the config (`remove_hf("Subject")`), resolved once: names SIPCore knows
/// match their compact forms too (`v` finds every Via), others compare case-insensitively.
struct HeaderNameMatcher: Sendable {
    let known: HeaderName
    let lowercasedName: [UInt8]
    let text: String

    /// Nil for an empty name (a config error in Kamailio).
    init?(_ name: String) {
        let trimmed = name.trimmingTrailingBlanks
        guard !trimmed.isEmpty else { return nil }
        text = trimmed
        known = HeaderName(name: trimmed)
        lowercasedName = trimmed.utf8.map(asciiLower)
    }

    func matches(_ field: SIPHeaderField, in bytes: [UInt8]) -> Bool {
        if known != .other { return field.name == known }
        guard field.name == .other, field.nameRange.count == lowercasedName.count else { return false }
        var i = 0
        for b in bytes[field.nameRange] {
            if asciiLower(b) != lowercasedName[i] { return false }
            i += 1
        }
        return true
    }
}

extension SIPMessage {
    /// Offset of the empty line that ends the header section (where appended headers go).
    var emptyLineOffset: Int {
        let end = headerSectionEnd
        if end >= 2 && bytes[end - 2] == 13 { return end - 2 }
        return end - 1
    }

    /// The whole line of header `index`: its name to the start of the next header (or the empty
    /// line), so the CRLF and any continuation lines are part of it.
    func headerLineRange(_ index: Int) -> Range<Int> {
        let start = headers[index].nameRange.lowerBound
        let end = index + 1 < headers.count ? headers[index + 1].nameRange.lowerBound : emptyLineOffset
        return start ..< max(start, end)
    }

    /// Where the header lines begin (just after the start line).
    var firstHeaderOffset: Int {
        headers.first?.nameRange.lowerBound ?? emptyLineOffset
    }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 {
    (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
}

extension String {
    var trimmingTrailingBlanks: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" || last == "\n" { s = s.dropLast() }
        return String(s)
    }
}
