import SIPCore
import Testing

/// The snippet table: every snippet must give its expected value (or be refused when that is
/// expected). A snippet marked `@pending` covers something Tern does not do yet and must
/// still FAIL, so that whoever adds the feature also removes the mark.
@Suite("Script snippets")
struct SnippetTests {
    @Test("snippet", arguments: SnippetCatalog.all)
    func snippet(_ snippet: Snippet) {
        let outcome = SnippetRunner.run(snippet)
        if case .badMessage = outcome {
            Issue.record("\(snippet.file):\(snippet.line): \(outcome)")
            return
        }
        let passed: Bool
        switch (snippet.expectation, outcome) {
        case (.value(let expected), .value(let got)): passed = expected == got
        case (.loadError, .refused): passed = true
        default: passed = false
        }
        if let reason = snippet.pending {
            #expect(!passed, "\(snippet.file):\(snippet.line): \(snippet.id) passes now; remove its '@pending \(reason)' line")
        } else {
            #expect(passed, "\(snippet.file):\(snippet.line): \(snippet.id): expected \(Self.describe(snippet.expectation)), got \(outcome)")
        }
    }

    static func describe(_ e: Snippet.Expectation) -> String {
        switch e {
        case .value(let v): return "[\(v)]"
        case .loadError: return "the config to be refused"
        }
    }
}

@Suite("Snippet table")
struct SnippetCatalogTests {
    @Test("the table reads and holds at least 300 snippets")
    func tableReads() throws {
        let snippets = try SnippetCatalog.load()
        #expect(snippets.count >= 300)
        #expect(SnippetCatalog.all.count == snippets.count)
    }

    @Test("every request of the table parses")
    func messagesParse() throws {
        for name in Set(SnippetCatalog.all.map(\.message)) {
            _ = try SIPMessage.parse(try SnippetCatalog.message(named: name))
        }
    }

    @Test("a snippet that differs from Kamailio on purpose says why")
    func differencesAreExplained() {
        for s in SnippetCatalog.all {
            if case .differs(let reason) = s.kamailio {
                #expect(!reason.isEmpty, "\(s.file):\(s.line): \(s.id)")
            }
        }
    }
}
