import Testing

@testable import TernScript

/// Tokens of a text after preprocessing, with the diagnostics it produced.
func lex(_ files: [String: String], main: String = "main.cfg", defines: [(String, String?)] = []) -> ([Token], [Diagnostic]) {
    let sink = DiagnosticSink()
    let pp = Preprocessor(provider: InMemorySourceProvider(files: files), sink: sink)
    for (n, v) in defines { pp.defineFromCommandLine(name: n, value: v) }
    var out: [Token] = []
    if pp.start(mainFile: main) {
        while true {
            let t = pp.next()
            if t.kind == .endOfFile { break }
            out.append(t)
        }
    }
    return (out, sink.diagnostics)
}

func lex(_ text: String) -> ([Token], [Diagnostic]) {
    lex(["main.cfg": text])
}

@Suite struct LexerTests {
    @Test func doubleQuotedEscapes() {
        let (t, d) = lex(#""a\nb\tc\"d\\e\x41\101\q""#)
        #expect(d.isEmpty)
        #expect(t.count == 1)
        #expect(t.first?.kind == .string)
        #expect(t.first?.text == "a\nb\tc\"d\\eAA\\q")
    }

    @Test func adjacentStringsAreJoinedAcrossLines() {
        let (t, _) = lex("modparam(\"acc\", \"log_extra\", \"src_user=$fU;\"\n    \"dst=$rU\")")
        let strings = t.filter { $0.kind == .string }.map(\.text)
        #expect(strings == ["acc", "log_extra", "src_user=$fU;dst=$rU"])
    }

    @Test func singleQuotedStringsAreRaw() {
        let (t, _) = lex("'x\\ty\nz'")
        #expect(t.map(\.text) == ["x\\ty\nz"])
        #expect(t.first?.singleQuoted == true)
    }

    @Test func lineContinuationInsideString() {
        let (t, _) = lex("\"abc\\\ndef\"")
        #expect(t.map(\.text) == ["abcdef"])
    }

    @Test func commentsOfAllKinds() {
        let (t, d) = lex("""
            a # hash comment
            b // slash comment
            /* block /* nested */ still comment */ c
            """)
        #expect(d.isEmpty)
        #expect(t.map(\.text) == ["a", "b", "c"])
    }

    @Test func unterminatedBlockCommentIsReportedAtItsStart() {
        let (_, d) = lex("a\n  /* open /* nested */\nb")
        #expect(d.count == 1)
        #expect(d.first?.location == SourceLocation(file: "main.cfg", line: 2, column: 3))
    }

    @Test func numbers() {
        let (t, _) = lex("42 0x1F 017 101b 0 yes")
        #expect(t.map(\.kind) == [.integer, .integer, .integer, .integer, .integer, .identifier])
        #expect(t.prefix(5).map(\.intValue) == [42, 31, 15, 5, 0])
    }

    @Test func addresses() {
        let (t, _) = lex("1.2.3.4 [::1] [2001:db8::10] route[1]")
        #expect(t.map(\.kind) == [.ipv4, .ipv6, .ipv6, .identifier, .leftBracket, .integer, .rightBracket])
        #expect(t[0].text == "1.2.3.4")
        #expect(t[2].text == "[2001:db8::10]")
    }

    @Test func pseudoVariableTokens() {
        let (t, d) = lex("$ru $var(x) $(hdr(Via)[1]{s.len}) $? $rc $sht(t=>$var(k)) ${mqv(q)}")
        #expect(d.isEmpty)
        #expect(t.allSatisfy { $0.kind == .pseudoVariable })
        #expect(t.map(\.text) == ["$ru", "$var(x)", "$(hdr(Via)[1]{s.len})", "$?", "$rc", "$sht(t=>$var(k))", "${mqv(q)}"])
    }

    @Test func operators() {
        let (t, _) = lex("== != =~ = <= >= << >> && || ! ~ & | ^ + - * / , ; : . ( ) { } [ ]")
        #expect(t.map(\.kind) == [
            .equal, .notEqual, .match, .assign, .lessEqual, .greaterEqual, .shiftLeft, .shiftRight,
            .logicalAnd, .logicalOr, .bang, .tilde, .ampersand, .pipe, .caret, .plus, .minus, .star, .slash,
            .comma, .semicolon, .colon, .dot, .leftParen, .rightParen, .leftBrace, .rightBrace, .leftBracket, .rightBracket,
        ])
    }

    @Test func operatorsKamailioDoesNotHave() {
        let (t, _) = lex("+= !~")
        #expect(t.map(\.kind) == [.invalidOperator, .invalidOperator])
    }

    @Test func unterminatedStringIsReported() {
        let (_, d) = lex("x = \"abc\n")
        #expect(d.count == 1)
        #expect(d.first?.location.column == 5)
    }

    @Test func locationsAreLineAndColumn() {
        let (t, _) = lex("a\n\tbb  cc\n")
        #expect(t.map(\.location.line) == [1, 2, 2])
        #expect(t.map(\.location.column) == [1, 2, 6])
        #expect(t[2].spaceBefore && !t[2].lineBreakBefore)
        #expect(t[1].lineBreakBefore)
    }
}
