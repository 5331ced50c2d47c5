#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled POSIX extended regular expression, the flavour Kamailio uses for `=~`, `#!subst`,
/// regex `case` labels, regex module names and the regexes module functions take. Compiled
/// once at load time; matched straight over bytes the caller already has (REG_STARTEND: no
/// copy, no NUL terminator needed).
public final class POSIXRegex: @unchecked Sendable {
    private var regex = regex_t()
    public let pattern: String
    /// Number of parenthesised groups.
    public let groupCount: Int

    public struct RegexError: Error {
        public var message: String
    }

    /// Throws the C library's message when the pattern does not compile. `newlineSensitive`
    /// is REG_NEWLINE: `.` and non-matching lists stop at line ends, `^`/`$` match around them.
    /// `foldCase` rewrites a case-insensitive pattern once so matches need no copy of the text;
    /// a pattern compiled for a single match (a dynamic `=~`) skips that and uses REG_ICASE.
    public init(_ pattern: String, caseInsensitive: Bool, newlineSensitive: Bool = false, foldCase: Bool = true) throws(RegexError) {
        self.pattern = pattern
        var flags = REG_EXTENDED
        if newlineSensitive { flags |= REG_NEWLINE }
        // Case-insensitive patterns are rewritten to list both cases: matching them then needs
        // no case-translated copy of the text (REG_ICASE allocates one per match).
        if caseInsensitive, foldCase, let folded = CaseFoldedPattern.rewrite(pattern), regcomp(&regex, folded, flags) == 0 {
            groupCount = Int(regex.re_nsub)
            return
        }
        if caseInsensitive { flags |= REG_ICASE }
        let rc = regcomp(&regex, pattern, flags)
        if rc != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(rc, &regex, &buffer, buffer.count)
            regfree(&regex)
            throw RegexError(message: String(cString: buffer))
        }
        groupCount = Int(regex.re_nsub)
    }

    deinit {
        regfree(&regex)
    }

    // MARK: Text that ends at its first NUL byte, as a C string does (the script's `=~`,
    // `case`, `#!subst`, module-name patterns).

    /// True when the pattern matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    /// True when the pattern matches anywhere in the bytes before the first NUL.
    public func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = 0 ..< Self.cStringEnd(bytes, from: 0)
        var match = regmatch_t()
        return execute(bytes, range, notBeginningOfLine: false, &match, count: 0)
    }

    /// Byte ranges of the whole match (index 0) and of each group, searching from `offset` to
    /// the first NUL, or nil when there is no match.
    public func firstMatch(in bytes: [UInt8], from offset: Int, notBeginningOfLine: Bool) -> [Range<Int>?]? {
        bytes.withUnsafeBufferPointer { p in
            guard offset >= 0, offset <= p.count else { return nil }
            return firstMatch(in: p, offset ..< Self.cStringEnd(p, from: offset), notBeginningOfLine: notBeginningOfLine, groups: groupCount)
        }
    }

    // MARK: A byte range taken whole, NUL bytes included (message text for module functions).

    /// The whole match and the first `groups` groups inside `range` of `bytes`, as absolute
    /// offsets (nil for a group that did not take part), or nil when nothing matches. `^`
    /// matches at the start of `range` unless `notBeginningOfLine`.
    public func firstMatch(
        in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, notBeginningOfLine: Bool = false, groups: Int = 0
    ) -> [Range<Int>?]? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var matches = [regmatch_t](repeating: regmatch_t(), count: Swift.min(groups, groupCount) + 1)
        let found = matches.withUnsafeMutableBufferPointer { m in
            m.baseAddress.map { execute(bytes, range, notBeginningOfLine: notBeginningOfLine, $0, count: m.count) } ?? false
        }
        guard found else { return nil }
        return matches.map { m in
            m.rm_so < 0 ? nil : (range.lowerBound + Int(m.rm_so)) ..< (range.lowerBound + Int(m.rm_eo))
        }
    }

    /// The range of the first match inside `range`, without groups.
    public func firstMatchRange(in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, notBeginningOfLine: Bool = false) -> Range<Int>? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var match = regmatch_t()
        guard execute(bytes, range, notBeginningOfLine: notBeginningOfLine, &match, count: 1), match.rm_so >= 0 else { return nil }
        return (range.lowerBound + Int(match.rm_so)) ..< (range.lowerBound + Int(match.rm_eo))
    }

    /// True when the pattern matches anywhere inside `range` of `bytes`.
    public func matches(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { p in
            guard range.lowerBound >= 0, range.upperBound <= p.count else { return false }
            var match = regmatch_t()
            return execute(p, range, notBeginningOfLine: false, &match, count: 0)
        }
    }

    /// Runs regexec over `range` with REG_STARTEND: `matches` holds the range on entry (as
    /// offsets from its start) and the first `count` results on return.
    private func execute(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, notBeginningOfLine: Bool,
        _ matches: UnsafeMutablePointer<regmatch_t>, count: Int
    ) -> Bool {
        matches[0].rm_so = 0
        matches[0].rm_eo = regoff_t(range.count)
        var flags = REG_STARTEND
        if notBeginningOfLine { flags |= REG_NOTBOL }
        // An empty buffer may have no base address; regexec still needs a valid pointer.
        guard let base = bytes.baseAddress else {
            var empty: CChar = 0
            return regexec(&regex, &empty, count, matches, flags) == 0
        }
        let start = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
        return regexec(&regex, start, count, matches, flags) == 0
    }

    /// Where a C string starting at `offset` would end: the first NUL, or the end of the bytes.
    private static func cStringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int {
        var i = offset
        while i < bytes.count, bytes[i] != 0 { i += 1 }
        return i
    }
}
