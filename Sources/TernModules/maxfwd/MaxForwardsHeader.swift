import SIPCore
import TernScript

/// The request's Max-Forwards (RFC 3261 §8.1.1.6, §16.6 step 3) as the maxfwd functions see it:
/// read once from the first Max-Forwards header, then the value this module last wrote for
/// the message (Kamailio rewrites the header in place, so later calls see the new value).
struct MaxForwardsHeader {
    enum Reading: Equatable {
        case absent
        /// The value is not a number Kamailio's str2s reads (digits only, at most 65535).
        case malformed
        case value(Int)
    }

    /// What has been done to the header of one message.
    struct State {
        var value: Int
        /// Whether the header value has been replaced in the edit list.
        var rewritten: Bool
    }

    static let stateKey = ScriptContextKey<State>()

    static func read(_ ctx: ScriptContext) -> Reading {
        if let state = ctx[stateKey] { return .value(state.value) }
        guard let field = ctx.message.firstHeader(.maxForwards) else { return .absent }
        guard let value = decimal(ctx.message.bytes, trimmed(ctx.message.bytes, field.valueRange)) else { return .malformed }
        return .value(value)
    }

    /// Replaces the header value with `value`, right-aligned in the width of the old one
    /// (Kamailio writes over the digits in place: `10` becomes ` 9`). The value is remembered
    /// for later reads either way; false when the header text cannot follow because it was
    /// already rewritten for this message (a second replacement of the same bytes would be
    /// written beside the first, as overlapping lumps are).
    static func write(_ ctx: ScriptContext, _ value: Int) -> Bool {
        if ctx[stateKey]?.rewritten == true {
            ctx[stateKey] = State(value: value, rewritten: true)
            return false
        }
        guard let field = ctx.message.firstHeader(.maxForwards) else { return false }
        let range = trimmed(ctx.message.bytes, field.valueRange)
        var digits = Array(String(value).utf8)
        if digits.count < range.count {
            digits = Array(repeating: UInt8(ascii: " "), count: range.count - digits.count) + digits
        }
        ctx.edits.replace(range, with: digits)
        ctx[stateKey] = State(value: value, rewritten: true)
        return true
    }

    /// Adds `Max-Forwards: value` as the first header line (where Kamailio puts it).
    static func insert(_ ctx: ScriptContext, _ value: Int) {
        let message = ctx.message
        let offset = message.headers.first?.nameRange.lowerBound ?? message.headerSectionEnd
        ctx.edits.insert("Max-Forwards: \(value)\r\n", at: offset)
    }

    private static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lo = max(0, range.lowerBound)
        var hi = min(bytes.count, range.upperBound)
        while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 || bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x0A { hi -= 1 }
        return lo ..< hi
    }

    private static func decimal(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        var value = 0
        for b in bytes[range] {
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
            if value > 65535 { return nil }
        }
        return value
    }
}
