import Testing

@testable import TernScript

@Suite struct ErrorRecoveryTests {
    @Test func threeIndependentMistakesGiveExactlyThreeErrors() {
        let errors = loadErrors("""
            #!KAMAILIO
            childern=4
            loadmodule "sl.so"

            request_route {
                if ($var(x) == ) {
                    exit;
                }
                sl_send_replyy("200", "OK");
                exit;
            }
            """)
        #expect(errors.count == 3)
        #expect(errors.map(\.location) == [
            SourceLocation(file: "main.cfg", line: 2, column: 1),
            SourceLocation(file: "main.cfg", line: 6, column: 20),
            SourceLocation(file: "main.cfg", line: 9, column: 5),
        ])
        #expect(errors[0].message == "unknown global parameter 'childern'")
        #expect(errors[0].hint == "did you mean 'children'?")
        #expect(errors[1].message.contains("expected an expression"))
        #expect(errors[2].message == "unknown function 'sl_send_replyy'")
        #expect(errors[2].hint == "did you mean 'sl_send_reply'?")
    }

    @Test func errorsInIncludedFilesPointAtThoseFiles() {
        let errors = loadErrors([
            "etc/main.cfg": "loadmodule \"sl.so\"\ninclude_file \"routes.inc\"\n",
            "etc/routes.inc": "request_route {\n\tsl_send_reply(\"200\");\n}\n",
        ], main: "etc/main.cfg")
        #expect(errors.count == 1)
        #expect(errors.first?.location == SourceLocation(file: "etc/routes.inc", line: 2, column: 2))
        #expect(errors.first?.message == "function 'sl_send_reply' takes 2 arguments, given 1")
    }

    @Test func errorsAtADefineUsePointAtTheUse() {
        let errors = loadErrors("#!define CODE \"200\"\nloadmodule \"probe\"\nrequest_route {\n  ret(CODE);\n  ret(FOO);\n}\n")
        // "200" is a number in a string, fine for an integer argument; FOO is not defined.
        #expect(errors.count == 1)
        #expect(errors.first?.location == SourceLocation(file: "main.cfg", line: 5, column: 7))
    }

    @Test func aMissingSemicolonDoesNotCascade() {
        let errors = loadErrors("""
            loadmodule "probe"
            request_route {
                record("a")
                record("b");
                if (ret(1)) {
                    record("c");
                }
            }
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.location == SourceLocation(file: "main.cfg", line: 3, column: 16))
    }

    @Test func aBrokenRouteHeaderDoesNotHideLaterErrors() {
        let errors = loadErrors("""
            loadmodule "probe"
            failure_route {
                record("x");
            }
            route[A] {
                nosuch();
            }
            request_route { route(A); }
            """)
        #expect(errors.map(\.location.line) == [2, 6])
    }

    @Test func aMissingClosingBraceIsOneError() {
        let errors = loadErrors("""
            loadmodule "probe"
            route[A] {
                if (ret(1)) {
                    record("x");
            }
            request_route {
                route(A);
            }
            """)
        #expect(errors.count == 1)
    }

    @Test func diagnosticRendering() {
        let errors = loadErrors("loadmodule \"sl.so\"\nrequest_route {\n\tsl_send_replyy(\"200\", \"OK\");\n}\n")
        #expect(errors.count == 1)
        #expect(errors.first?.description == """
            main.cfg:3:2: error: unknown function 'sl_send_replyy'
            \tsl_send_replyy("200", "OK");
            \t^
            hint: did you mean 'sl_send_reply'?
            """)
    }

    @Test func everyErrorOfAFileIsListed() {
        let errors = loadErrors("""
            loadmodule "probe"
            request_route {
                a1();
                a2();
                record($nosuch);
                $rm = 1;
                route(NOWHERE);
            }
            """)
        #expect(errors.map(\.location.line) == [3, 4, 5, 6, 7])
    }
}

@Suite struct HostileInputTests {
    @Test func deepNestingIsAnErrorNotACrash() {
        let open = String(repeating: "(", count: 5000)
        let errors = loadErrors("request_route {\n if (\(open)1) { exit; }\n}")
        #expect(errors.contains { $0.message.contains("nesting is too deep") })
        let blocks = String(repeating: "if (1) {", count: 3000)
        #expect(!loadErrors("request_route {\n\(blocks)\n}").isEmpty)
    }

    @Test func binaryGarbageGivesALimitedNumberOfErrors() {
        let garbage = String(decoding: (0..<20000).map { UInt8(truncatingIfNeeded: $0 &* 7919) | 0x80 }, as: UTF8.self)
        let errors = loadErrors(garbage)
        #expect(!errors.isEmpty)
        #expect(errors.count <= DiagnosticSink.errorLimit + 1)
    }

    @Test func unterminatedEverything() {
        for text in ["request_route {", "request_route { if (", "route[", "modparam(\"a\"", "#!ifdef X", "\"abc", "/* x", "$(var(x)", "listen="] {
            #expect(!loadErrors(text).isEmpty, "\(text)")
        }
    }
}
