// Shared by textops, siputils and sanity: the POSIX extended regular expressions Kamailio's
// module functions take, compiled once when the script loads and matched straight over the
// message bytes (REG_STARTEND: no copy, no NUL terminator needed).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled POSIX ERE. Kamailio compiles module regexes case-insensitive with REG_NEWLINE
/// (`.` stops at line ends, `^`/`$` match around them); subst expressions choose their own flags.
final class ExtendedRegex: @unchecked Sendable {
    private var regex = regex_t()
    let pattern: String
    /// Number of parenthesised groups.
    let groupCount: Int

    struct CompileError: Error {
        var message: String
    }

    init(_ pattern: String, caseInsensitive: Bool = true, newlineSensitive: Bool = true) throws(CompileError) {
        self.pattern = pattern
        var flags = REG_EXTENDED
        if caseInsensitive { flags |= REG_ICASE }
        if newlineSensitive { flags |= REG_NEWLINE }
        let rc = regcomp(&regex, pattern, flags)
        if rc != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(rc, &regex, &buffer, buffer.count)
            regfree(&regex)
            throw CompileError(message: String(cString: buffer))
        }
        groupCount = Int(regex.re_nsub)
    }

    deinit {
        regfree(&regex)
    }

    /// The whole match and the first `groups` groups inside `range` of `bytes`, as absolute
    /// offsets (nil for a group that did not take part), or nil when nothing matches. `^`
    /// matches at the start of `range` unless `notBeginningOfLine`.
    func firstMatch(
        in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, notBeginningOfLine: Bool = false, groups: Int = 0
    ) -> [Range<Int>?]? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        let slots = Swift.min(groups, groupCount) + 1
        var matches = [regmatch_t](repeating: regmatch_t(), count: slots)
        matches[0].rm_so = 0
        matches[0].rm_eo = regoff_t(range.count)
        var flags = REG_STARTEND
        if notBeginningOfLine { flags |= REG_NOTBOL }
        let rc = Self.withStart(bytes, range.lowerBound) { regexec(&regex, $0, slots, &matches, flags) }
        guard rc == 0 else { return nil }
        return matches.map { m in
            m.rm_so < 0 ? nil : (range.lowerBound + Int(m.rm_so)) ..< (range.lowerBound + Int(m.rm_eo))
        }
    }

    /// The range of the first match inside `range`, without groups.
    func firstMatchRange(in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, notBeginningOfLine: Bool = false) -> Range<Int>? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var match = regmatch_t()
        match.rm_so = 0
        match.rm_eo = regoff_t(range.count)
        var flags = REG_STARTEND
        if notBeginningOfLine { flags |= REG_NOTBOL }
        let rc = Self.withStart(bytes, range.lowerBound) { regexec(&regex, $0, 1, &match, flags) }
        guard rc == 0, match.rm_so >= 0 else { return nil }
        return (range.lowerBound + Int(match.rm_so)) ..< (range.lowerBound + Int(match.rm_eo))
    }

    /// An empty buffer may have no base address; regexec still needs a valid pointer.
    private static func withStart(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ body: (UnsafePointer<CChar>) -> Int32) -> Int32 {
        guard let base = bytes.baseAddress else {
            var empty: CChar = 0
            return body(&empty)
        }
        return body(UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self))
    }

    func matches(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { firstMatchRange(in: $0, range) != nil }
    }

    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { firstMatchRange(in: $0, 0 ..< $0.count) != nil }
    }
}
