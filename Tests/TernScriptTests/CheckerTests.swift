import Testing

@testable import TernScript

@Suite struct CheckerTests {
    @Test func functionOfAModuleThatIsNotLoaded() {
        let errors = loadErrors("loadmodule \"sl.so\"\nrequest_route {\n  t_relay();\n}")
        #expect(errors.count == 1)
        #expect(errors.first?.message == "function 't_relay' is exported by module 'tm', which is not loaded")
        #expect(errors.first?.hint == "add: loadmodule \"tm.so\"")
    }

    @Test func wrongArity() {
        let errors = loadErrors("loadmodule \"tm\"\nrequest_route {\n  t_relay(1, 2, 3);\n  t_reply(\"404\");\n}")
        #expect(errors.map(\.message) == [
            "function 't_relay' takes 0 to 2 arguments, given 3",
            "function 't_reply' takes 2 arguments, given 1",
        ])
    }

    @Test func functionNotAllowedInThisRouteType() {
        let errors = loadErrors("loadmodule \"tm\"\nloadmodule \"probe\"\nonsend_route {\n  t_relay();\n}\nevent_route[xhttp:request] {\n  request_only();\n  t_relay();\n}\n")
        #expect(errors.count == 1)
        #expect(errors.first?.message == "function 't_relay' cannot be used in onsend_route")
        #expect(errors.first?.location.line == 4)
    }

    @Test func routeTypeIsCheckedThroughCalledRoutes() {
        let errors = loadErrors("""
            loadmodule "probe"
            route[HELPER] {
                request_only();
            }
            request_route {
                route(HELPER);
            }
            failure_route[F] {
                route(HELPER);
            }
            route[UNUSED] {
                request_only();
            }
            """)
        #expect(errors.count == 1)
        #expect(errors.first?.location.line == 3)
        #expect(errors.first?.message == "function 'request_only' cannot be used in failure_route (route[HELPER] runs from there)")
        #expect(errors.first?.notes.first?.location.line == 9)
    }

    @Test func undefinedRouteWithSuggestion() {
        let errors = loadErrors("route[RELAY] { exit; }\nrequest_route {\n  route(RELAI);\n  route(\"RELAY\");\n}")
        #expect(errors.count == 1)
        #expect(errors.first?.message == "route 'RELAI' is not defined")
        #expect(errors.first?.hint == "did you mean 'RELAY'?")
        #expect(errors.first?.location == SourceLocation(file: "main.cfg", line: 3, column: 9))
    }

    @Test func duplicateRoutes() {
        let errors = loadErrors("route[A] { exit; }\nroute[A] { exit; }\nrequest_route { exit; }\nroute { exit; }\nfailure_route[1] { exit; }\nfailure_route[\"1\"] { exit; }")
        #expect(errors.map(\.location.line) == [2, 4, 6])
        #expect(errors.first?.message == "route[A] is defined twice")
        #expect(errors.first?.notes.first?.location.line == 1)
    }

    @Test func moduleParameters() {
        let errors = loadErrors("""
            modparam("tm", "fr_timer", 3000)
            loadmodule "tm.so"
            loadmodule "probe"
            modparam("tm", "fr_timer", "3000")
            modparam("probe", "name", 7)
            modparam("probe", "either", 7)
            modparam("probe", "either", "x")
            modparam("tm", "fr_timr", 1)
            modparam("nosuch", "x", 1)
            """)
        #expect(errors.map(\.location.line) == [1, 4, 5, 8, 9])
        #expect(errors[0].message == "module 'tm' is not loaded")
        #expect(errors[1].message == "parameter 'fr_timer' of module 'tm' expects a number, not a string")
        #expect(errors[2].message == "parameter 'name' of module 'probe' expects a string, not a number")
        #expect(errors[3].hint == "did you mean 'fr_timer'?")
    }

    @Test func regexModuleNamesSetEveryMatchingModule() throws {
        let config = try #require(loadValid("""
            loadmodule "nathelper"
            loadmodule "registrar"
            loadmodule "tm"
            modparam("nathelper|registrar", "received_avp", "$avp(RECEIVED)")
            request_route { exit; }
            """))
        #expect(config.moduleParameters.map(\.module) == ["nathelper", "registrar"])
        #expect(config.moduleParameters.allSatisfy { $0.value == .string("$avp(RECEIVED)") })
    }

    @Test func loadmoduleForms() throws {
        let config = try #require(loadValid("""
            loadmodule "/usr/lib/x86_64-linux-gnu/kamailio/modules/sl.so"
            loadmodule("tm")
            loadmodule "sl.so"
            request_route { exit; }
            """))
        #expect(config.modules.map(\.name) == ["sl", "tm"])
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.message == "module 'sl' is already loaded; this loadmodule is ignored")
        #expect(config.warnings.first?.location.line == 3)
    }

    @Test func unknownModule() {
        let errors = loadErrors("loadmodule \"htabel.so\"\n")
        #expect(errors.first?.message == "module 'htabel' not found")
        #expect(errors.first?.hint == "did you mean 'htable'?")
    }

    @Test func globals() throws {
        let config = try #require(loadValid("""
            debug=-1
            children=4
            log_stderror=yes
            log_facility=LOG_LOCAL0
            listen=udp:127.0.0.1:5070
            listen=127.0.0.1
            listen=tls:[::1]:5061 advertise 192.0.2.1:5061
            alias=example.com
            tcp_accept_no_cl=yes
            mpath="modules_k/:modules/"
            server_header="Server: Tern"
            udp_mtu_try_proto=TCP
            request_route { exit; }
            """))
        #expect(config.global("debug") == .int(-1))
        #expect(config.global("log_stderror") == .int(1))
        #expect(config.global("log_facility") == .identifier("LOG_LOCAL0"))
        #expect(config.globals(named: "listen") == [
            .listen(ListenSpec(proto: .udp, host: "127.0.0.1", port: 5070)),
            .listen(ListenSpec(proto: nil, host: "127.0.0.1", port: nil)),
            .listen(ListenSpec(proto: .tls, host: "::1", port: 5061, advertise: "192.0.2.1:5061")),
        ])
        #expect(config.global("alias") == .string("example.com"))
        #expect(config.global("mpath") == .string("modules_k/:modules/"))
    }

    @Test func globalErrors() {
        let errors = loadErrors("""
            children="4"
            server_header=5
            listen=udp:127.0.0.1:99999
            udp_mtu_try_proto=FOO
            pstn.gw_ip = "" desc "PSTN GW Address"
            """)
        #expect(errors.map(\.location.line) == [1, 2, 3, 4, 5])
        #expect(errors[0].message == "'children' expects a number")
        #expect(errors[4].message.contains("custom cfg variables"))
    }

    @Test func unknownPseudoVariables() {
        let errors = loadErrors("""
            loadmodule "probe"
            request_route {
                record("$fX");
                record($sht(t=>k));
                if ($rU == $nul) { exit; }
            }
            """)
        #expect(errors.count == 3)
        #expect(errors[0].message == "unknown pseudo-variable '$fX'")
        #expect(errors[0].location == SourceLocation(file: "main.cfg", line: 3, column: 13))
        #expect(errors[1].message == "pseudo-variable '$sht' is exported by module 'htable', which is not loaded")
        #expect(errors[2].hint == "did you mean '$null'?")
    }

    @Test func readOnlyAndInnerNames() {
        let errors = loadErrors("""
            request_route {
                $rm = "INVITE";
                $var = 1;
                $ru(x) = 1;
            }
            """)
        #expect(errors.map(\.message) == [
            "pseudo-variable '$rm' is read-only",
            "'$var' needs a name in parentheses",
            "'$ru' takes no name in parentheses",
        ])
    }

    @Test func typeMismatchOfConstants() {
        let errors = loadErrors("""
            request_route {
                $var(a) = 3 + "12";
                if ("10" == 10) { exit; }
                if ($var(x) > "a") { exit; }
                $var(b) = "abc" + 3 + 4;
                $var(c) = "7" - 2;
                if ($var(x) ieq "10") { exit; }
                $var(d) = 10 / 0;
            }
            """)
        #expect(errors.map(\.location.line) == [2, 3, 4, 6, 7, 8])
    }

    @Test func switchLabels() {
        let errors = loadErrors("""
            request_route {
                switch ($var(x)) {
                    case 1: break;
                    case "a": break;
                    default: break;
                    default: break;
                }
            }
            """)
        #expect(errors.map(\.location.line) == [4, 6])
    }

    @Test func argumentKinds() {
        let errors = loadErrors("""
            loadmodule "probe"
            request_route {
                ret("abc");
                ret(UNKNOWN_FLAG);
                store("$rm", "x");
                store("x", "y");
            }
            """)
        #expect(errors.map(\.location.line) == [3, 4, 5, 6])
    }

    @Test func bareBlockIsAnError() {
        let errors = loadErrors("request_route {\n  { exit; }\n}")
        #expect(errors.count == 1)
        #expect(errors.first?.location.line == 2)
    }

    @Test func badEventRouteName() {
        let errors = loadErrors("event_route[nocolon] { exit; }")
        #expect(errors.count == 1)
    }

    @Test func flagsDeclarations() throws {
        let recorder = Recorder()
        let config = try #require(loadValid("""
            flags FLT_ACC:3, FLT_NEXT
            loadmodule "probe"
            request_route { record(FLT_ACC, FLT_NEXT); }
            """, symbols: TestModules.symbols(recorder)))
        _ = runRequest(config)
        #expect(recorder.values == ["3|4"])
    }
}
