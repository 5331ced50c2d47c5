#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled POSIX extended regular expression, the flavour Kamailio uses for `=~`, `#!subst`,
/// regex `case` labels and regex module names. Compiled once at load time; matching takes a
/// C string, so callers pass bytes they already have.
final class POSIXRegex: @unchecked Sendable {
    private var regex = regex_t()
    let pattern: String
    let groupCount: Int

    /// Throws the C library's message when the pattern does not compile.
    init(_ pattern: String, caseInsensitive: Bool, matchNewline: Bool = false) throws(RegexError) {
        self.pattern = pattern
        var flags = REG_EXTENDED
        if matchNewline { flags |= REG_NEWLINE }
        // Case-insensitive patterns are rewritten to list both cases: matching them then needs
        // no case-translated copy of the text (REG_ICASE allocates one per match).
        if caseInsensitive, let folded = CaseFoldedPattern.rewrite(pattern), regcomp(&regex, folded, flags) == 0 {
            groupCount = Int(regex.re_nsub)
            return
        }
        if caseInsensitive { flags |= REG_ICASE }
        let rc = regcomp(&regex, pattern, flags)
        if rc != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(rc, &regex, &buffer, buffer.count)
            throw RegexError(message: String(cString: buffer))
        }
        groupCount = Int(regex.re_nsub)
    }

    deinit {
        regfree(&regex)
    }

    struct RegexError: Error {
        var message: String
    }

    /// True when the pattern matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buf in matches(bytes: buf) }
    }

    /// True when the pattern matches anywhere in the bytes (a NUL byte ends the text).
    func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count < 256 {
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { tmp in
                copyCString(bytes, into: tmp)
                return regexec(&regex, tmp.baseAddress!, 0, nil, 0) == 0
            }
        }
        var tmp = [CChar](repeating: 0, count: bytes.count + 1)
        return tmp.withUnsafeMutableBufferPointer { t in
            copyCString(bytes, into: t)
            return regexec(&regex, t.baseAddress!, 0, nil, 0) == 0
        }
    }

    private func copyCString(_ bytes: UnsafeBufferPointer<UInt8>, into tmp: UnsafeMutableBufferPointer<CChar>) {
        for i in 0..<bytes.count { tmp[i] = CChar(bitPattern: bytes[i]) }
        tmp[bytes.count] = 0
    }

    /// Byte ranges of the whole match (index 0) and of each group, or nil when there is no match.
    func firstMatch(in bytes: [UInt8], from offset: Int, notBeginningOfLine: Bool) -> [Range<Int>?]? {
        var cstr = [CChar](repeating: 0, count: bytes.count - offset + 1)
        for i in offset..<bytes.count { cstr[i - offset] = CChar(bitPattern: bytes[i]) }
        var matches = [regmatch_t](repeating: regmatch_t(), count: groupCount + 1)
        let rc = regexec(&regex, cstr, matches.count, &matches, notBeginningOfLine ? REG_NOTBOL : 0)
        guard rc == 0 else { return nil }
        return matches.map { m in
            m.rm_so < 0 ? nil : (offset + Int(m.rm_so))..<(offset + Int(m.rm_eo))
        }
    }
}
