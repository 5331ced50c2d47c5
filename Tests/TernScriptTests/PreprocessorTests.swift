import Testing

@testable import TernScript

@Suite struct PreprocessorTests {
    @Test func defineReplacesIdentifiersButNotStrings() {
        let (t, d) = lex("#!define PORT 5070\nPORT \"PORT\" PORTS")
        #expect(d.isEmpty)
        #expect(t.map(\.kind) == [.integer, .string, .identifier])
        #expect(t[0].intValue == 5070)
        #expect(t[1].text == "PORT")
        #expect(t[2].text == "PORTS")
    }

    @Test func expandedTokensKeepTheLocationOfTheName() {
        let (t, _) = lex("#!define ADDR udp:127.0.0.1\n\n   x ADDR")
        #expect(t.count == 4)
        for token in t.dropFirst() {
            #expect(token.location == SourceLocation(file: "main.cfg", line: 3, column: 6))
        }
    }

    @Test func defineValueContinuesAfterBackslash() {
        let (t, _) = lex("#!define LIST a \\\n  b\nLIST")
        #expect(t.map(\.text) == ["a", "b"])
    }

    @Test func definesExpandInsideDefines() {
        let (t, _) = lex("#!define A B\n#!define B 7\nA")
        #expect(t.map(\.intValue) == [7])
    }

    @Test func recursiveDefineIsAnError() {
        let (_, d) = lex("#!define A A\nA")
        #expect(d.count == 1)
    }

    @Test func redefinitionIsAnErrorAtTheSecondDefine() {
        let (_, d) = lex("#!define X 1\n#!define X 2\n")
        #expect(d.count == 1)
        #expect(d.first?.location == SourceLocation(file: "main.cfg", line: 2, column: 1))
        #expect(d.first?.notes.first?.location.line == 1)
    }

    @Test func trydefAndRedef() {
        let (t, d) = lex("#!define X 1\n#!trydef X 2\nX\n#!redefine X 3\nX\n#!trydef Y 4\nY")
        #expect(d.isEmpty)
        #expect(t.map(\.intValue) == [1, 3, 4])
    }

    @Test func ifdefNesting() {
        let text = """
            #!define A
            #!ifdef A
              a
              #!ifdef B
                b
              #!else
                notB
                #!ifndef C
                  notC
                #!endif
              #!endif
            #!else
              notA
              #!ifdef A
                never
              #!endif
            #!endif
            end
            """
        let (t, d) = lex(text)
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["a", "notB", "notC", "end"])
    }

    @Test func skippedTextIsNotLexed() {
        let (t, d) = lex("#!ifdef NOPE\n \"unterminated \n $%^ \n#!endif\nok")
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["ok"])
    }

    @Test func unterminatedIfdefIsReportedAtItsLine() {
        let (_, d) = lex("a\n#!ifdef X\nb\n")
        #expect(d.count == 1)
        #expect(d.first?.location.line == 2)
        let (_, d2) = lex("a\n\n#!ifndef X\nb\n")
        #expect(d2.first?.location.line == 3)
    }

    @Test func strayElseAndEndif() {
        let (_, d) = lex("#!else\n#!endif\n")
        #expect(d.count == 2)
    }

    @Test func commandLineDefines() {
        let (t, d) = lex(["main.cfg": "#!ifdef WITH_X\nx\n#!endif\nPORT"], defines: [("WITH_X", nil), ("PORT", "5090")])
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["x", "5090"])
    }

    @Test func commandLineDefineOverridesATrydefInTheFile() {
        let (t, d) = lex(["main.cfg": "#!ifndef PORT\n#!define PORT 5070\n#!endif\nPORT"], defines: [("PORT", "6000")])
        #expect(d.isEmpty)
        #expect(t.map(\.intValue) == [6000])
    }

    @Test func bangBangPrefix() {
        let (t, d) = lex("!!define X 3\n!!ifdef X\nX\n!!endif")
        #expect(d.isEmpty)
        #expect(t.map(\.intValue) == [3])
    }

    @Test func includeIsRelativeToTheIncludingFile() {
        let files = [
            "conf/main.cfg": "a\ninclude_file \"sub/part.inc\"\nc",
            "conf/sub/part.inc": "b1\n#!include_file \"deeper.inc\"\nb2",
            "conf/sub/deeper.inc": "deep",
        ]
        let (t, d) = lex(files, main: "conf/main.cfg")
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["a", "b1", "deep", "b2", "c"])
        #expect(t[2].location == SourceLocation(file: "conf/sub/deeper.inc", line: 1, column: 1))
        #expect(t[3].location == SourceLocation(file: "conf/sub/part.inc", line: 3, column: 1))
    }

    @Test func includeFallsBackToTheCurrentDirectory() {
        let provider = InMemorySourceProvider(files: ["/cwd/common.inc": "shared", "/etc/tern/main.cfg": "import_file \"common.inc\""],
                                              currentDirectory: "/cwd")
        let sink = DiagnosticSink()
        let pp = Preprocessor(provider: provider, sink: sink)
        pp.start(mainFile: "/etc/tern/main.cfg")
        #expect(pp.next().text == "shared")
        #expect(sink.diagnostics.isEmpty)
    }

    @Test func missingIncludeIsAnErrorButMissingImportIsNot() {
        let (t, d) = lex("import_file \"nope.inc\"\nx\n  include_file \"gone.inc\"\ny")
        #expect(t.map(\.text) == ["x", "y"])
        #expect(d.count == 1)
        #expect(d.first?.location == SourceLocation(file: "main.cfg", line: 3, column: 16))
    }

    @Test func includeCyclesAreDetected() {
        let (_, d) = lex(["a.cfg": "include_file \"b.cfg\"", "b.cfg": "include_file \"a.cfg\""], main: "a.cfg")
        #expect(d.count == 1)
        #expect(d.first?.message.contains("include cycle") == true)
        #expect(d.first?.location.file == "b.cfg")
    }

    @Test func substChangesStringsAfterIt() {
        let (t, d) = lex("\"[REPLACEME]\"\n#!subst \"/REPLACEME/replaced/\"\n\"[REPLACEME] REPLACEME\" REPLACEME")
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["[REPLACEME]", "[replaced] REPLACEME", "REPLACEME"])
    }

    @Test func substGlobalAndCaseInsensitive() {
        let (t, _) = lex("#!subst \"/ab/X/gi\"\n\"abAB\"")
        #expect(t.map(\.text) == ["XX"])
    }

    @Test func substWithGroups() {
        let (t, _) = lex("#!subst \"/([a-z]+)@([a-z]+)/\\2.\\1/\"\n\"bob@host\"")
        #expect(t.map(\.text) == ["host.bob"])
    }

    @Test func substdefWorksInStringsAndAsName() {
        let (t, d) = lex("#!substdef \"!MAX!3600!g\"\n\"max=MAX\" MAX")
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["max=3600", "3600"])
        #expect(t[1].kind == .integer)
    }

    @Test func substdefsDefinesAQuotedValue() {
        let (t, _) = lex("#!substdefs \"!HOST!example.com!g\"\nHOST")
        #expect(t.map(\.kind) == [.string])
        #expect(t.map(\.text) == ["example.com"])
    }

    @Test func substAppliesToIncludeNames() {
        let (t, d) = lex(["main.cfg": "#!subst \"/VER/v2/\"\ninclude_file \"part-VER.inc\"", "part-v2.inc": "two"])
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["two"])
    }

    @Test func headerSetsCompatibilityMode() {
        let sink = DiagnosticSink()
        let pp = Preprocessor(provider: InMemorySourceProvider(files: ["k.cfg": "#!KAMAILIO\nx", "s.cfg": "#!SER\nx", "n.cfg": "x"]), sink: sink)
        pp.start(mainFile: "k.cfg")
        while pp.next().kind != .endOfFile {}
        #expect(pp.compatibility == .kamailio)
        let pp2 = Preprocessor(provider: InMemorySourceProvider(files: ["s.cfg": "#!SER\nx"]), sink: sink)
        pp2.start(mainFile: "s.cfg")
        while pp2.next().kind != .endOfFile {}
        #expect(pp2.compatibility == .ser)
    }
}
