#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import Testing

@testable import TernScript

/// `$pv =~ "re"` matches case-insensitively; Tern compiles such patterns with both cases
/// spelled out instead of REG_ICASE. These tests check the two agree, pattern by pattern,
/// against the C library's own REG_ICASE matching.
@Suite struct PseudoVariableRegexMatchTests {
    static let patterns = [
        "friendly-scanner|sipcli|sipvicious", "^(example\\.com|example\\.org)$", "^sip:[a-z0-9._-]+@", "[^a-c]x",
        "[A-F0-9]{4}", "^[[:upper:]]+$", "[[:alpha:]]+[[:digit:]]", "a.b*c?", "\\<word\\>", "[]a]", "[a-]z",
        "^$", "INVITE|ACK", "x{2,3}", "(Ab)+", "[[:lower:]]-[[:space:]]", "\\.com$", "[^]x]y",
    ]
    static let inputs = [
        "Friendly-Scanner 1.0", "SIPVicious", "example.COM", "EXAMPLE.org", "sip:Alice@host", "dx", "Ax", "beef",
        "BEEF", "abc", "ABC", "aBbbC", "a word here", "A WORD", "]", "A", "-z", "-Z", "", "invite", "xXx", "ababAB",
        "Q- ", "q-\t", "x.COM", "zy", "]y",
    ]

    func glibcMatches(_ pattern: String, _ text: String) -> Bool? {
        var re = regex_t()
        guard regcomp(&re, pattern, REG_EXTENDED | REG_ICASE) == 0 else { return nil }
        defer { regfree(&re) }
        return regexec(&re, text, 0, nil, 0) == 0
    }

    @Test func foldedPatternsMatchLikeREG_ICASE() throws {
        for pattern in Self.patterns {
            let regex = try POSIXRegex(pattern, caseInsensitive: true)
            for text in Self.inputs {
                #expect(regex.matches(text) == glibcMatches(pattern, text), "pattern \(pattern) on \(text)")
            }
        }
    }

    @Test func rewriteSpellsOutBothCases() {
        #expect(CaseFoldedPattern.rewrite("ab") == "[aA][bB]")
        #expect(CaseFoldedPattern.rewrite("[a-c]") == "[a-cABC]")
        #expect(CaseFoldedPattern.rewrite("[x-]") == "[xX-]")
        #expect(CaseFoldedPattern.rewrite("\\w\\.") == "\\w\\.")
        // Back references and collating elements keep REG_ICASE.
        #expect(CaseFoldedPattern.rewrite("(a)\\1") == nil)
        #expect(CaseFoldedPattern.rewrite("[[.a.]]") == nil)
    }

    @Test func matchesOnPseudoVariablesInScripts() {
        let run = runRoute("""
            if ($ua =~ "friendly phone") { record("ua"); }
            if ($rd =~ "^EXAMPLE\\.(com|org)$") { record("rd"); }
            if ($fn =~ "^\\"alice") { record("fn"); }
            if ($tn =~ ".") { record("null matches nothing"); }
            if ($hdr(CSeq) =~ "^[0-9]+ invite$") { record("cseq"); }
            """)
        #expect(run?.values == ["ua", "rd", "fn", "cseq"])
    }
}
