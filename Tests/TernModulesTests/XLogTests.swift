// xlog. Compared with Kamailio 5.6.3 (debug=3, log_stderror=yes): xlog("x $rm\n") prints
// "ERROR: <script>: x INVITE"; L_CRIT and xcrit print CRITICAL, L_ALERT ALERT, L_BUG BUG (all
// three are swift-log's critical here); a level held as the string "1" in $var is refused
// with "invalid log level value" and xlog returns -1; no newline is added by Kamailio.
import Logging
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct XLogTests {
    @Test func defaultLevelIsErrorAndFormatsExpand() {
        guard let script = ModuleScript("request_route { xlog(\"xlog default $rm from $fU\\n\"); }") else { return }
        let run = script.run()
        #expect(script.log.levels == [.error])
        #expect(script.log.texts == ["<script>: xlog default INVITE from alice"])
        #expect(run.outcome.returnCode == 1)
    }

    @Test func levelNames() {
        guard let script = ModuleScript("""
            request_route {
                xlog("L_ALERT", "a"); xlog("L_BUG", "b"); xlog("L_CRIT", "c"); xlog("L_ERR", "e");
                xlog("L_WARN", "w"); xlog("L_NOTICE", "n"); xlog("L_INFO", "i"); xlog("L_DBG", "d");
                xlog("L_E", "third letter only");
            }
            """) else { return }
        _ = script.run()
        #expect(script.log.levels == [.critical, .critical, .critical, .error, .warning, .notice, .info, .debug, .error])
    }

    @Test func fixedLevelFunctions() {
        guard let script = ModuleScript("""
            request_route { xalert("1"); xbug("2"); xcrit("3"); xerr("4"); xwarn("5"); xnotice("6"); xinfo("7"); xdbg("8"); }
            """) else { return }
        _ = script.run()
        #expect(script.log.levels == [.critical, .critical, .critical, .error, .warning, .notice, .info, .debug])
        #expect(script.log.texts == (1...8).map { "<script>: \($0)" })
    }

    @Test func levelFromAPseudoVariableMustBeAnInteger() {
        guard let script = ModuleScript("""
            request_route {
                $var(lvl) = 1;
                xlog("$var(lvl)", "dyn level 1\\n");
                $var(lvl) = "1";
                $var(r) = xlog("$var(lvl)", "dyn level str\\n");
            }
            """) else { return }
        let run = script.run()
        #expect(script.log.levels == [.notice, .error])
        #expect(script.log.texts[0] == "<script>: dyn level 1")
        #expect(script.log.texts[1].hasPrefix("xlog: invalid log level value"))
        #expect(run.variable("r") == .int(-1))
    }

    @Test func theLevelIsCheckedBeforeTheFormatIsExpanded() {
        // $stat(nosuch) warns when it is read; a disabled xdbg must not read it.
        guard let script = ModuleScript("request_route { xdbg(\"$stat(nosuch)\"); xwarn(\"$stat(nosuch)\"); }",
                                        workerLevel: .warning) else { return }
        _ = script.run()
        #expect(script.log.texts == ["No stat variable ``nosuch''", "<script>: <null>"])
    }

    @Test func facilityIsCheckedAndTheLineWrittenAsUsual() {
        guard let script = ModuleScript("request_route { xlog(\"LOG_LOCAL0\", \"L_INFO\", \"with facility\"); }") else { return }
        _ = script.run()
        #expect(script.log.levels == [.info])
        #expect(script.log.texts == ["<script>: with facility"])
        // Kamailio: shorter than two characters is a "wrong" level, an unknown third one "unknown".
        let errors = ModuleScript.errors("request_route { xlog(\"LOG_NOPE\", \"L_INFO\", \"x\"); xlog(\"L\", \"y\"); xlog(\"LX\", \"y\"); xlog(\"L_Q\", \"z\"); }")
        #expect(errors == [
            "xlog: invalid syslog facility 'LOG_NOPE'",
            "xlog: wrong log level 'L'",
            "xlog: unknown log level 'LX'",
            "xlog: unknown log level 'L_Q'",
        ])
    }

    @Test func xloglPutsTheConfigLineFirst() {
        guard let short = ModuleScript("request_route {\n  xlogl(\"L_INFO\", \"here\");\n  xdbgl(\"dbg\");\n}"),
              let long = ModuleScript("request_route { xlogl(\"long\"); }", parameters: "modparam(\"xlog\", \"long_format\", 1)")
        else { return }
        _ = short.run()
        // The module lines and the empty parameter line come first: the route starts on line 8.
        #expect(short.log.texts == ["<script>: 9:here", "<script>: 10:dbg"])
        _ = long.run()
        #expect(long.log.texts == ["<script>: main.cfg:8:long"])
    }

    @Test func xlogmIsSilentForFilteredMethods() {
        let routes = "request_route { xlogm(\"L_ERR\", \"m $rm\"); } reply_route { xlogm(\"L_ERR\", \"m $rm\"); }"
        guard let unfiltered = ModuleScript(routes),
              let filtered = ModuleScript(routes,
                                          parameters: "modparam(\"xlog\", \"methods_filter\", 513)") else { return }
        // The default filter -1 silences xlogm entirely.
        #expect(unfiltered.run().outcome.returnCode == 1)
        #expect(unfiltered.log.texts.isEmpty)
        // 513 = INVITE | OPTIONS.
        _ = filtered.run(ScriptTestHarness.request(method: "INVITE"))
        _ = filtered.run(ScriptTestHarness.request(method: "OPTIONS"))
        _ = filtered.run(ScriptTestHarness.request(method: "BYE"))
        _ = filtered.run(ScriptTestHarness.reply(method: "INVITE"), route: .coreReply)
        _ = filtered.run(ScriptTestHarness.reply(method: "MESSAGE"), route: .coreReply)
        #expect(filtered.log.texts == ["<script>: m BYE", "<script>: m MESSAGE"])
    }

    @Test func prefixAndBufferSize() {
        guard let script = ModuleScript("""
            request_route {
                $var(r1) = xlog("123456789");
                $var(r2) = xlog("1234567890");
            }
            """, parameters: """
            modparam("xlog", "prefix", "[tern] ")
            modparam("xlog", "buf_size", 10)
            """) else { return }
        let run = script.run()
        #expect(run.variable("r1") == .int(1))
        #expect(run.variable("r2") == .int(-1))
        #expect(script.log.texts.first == "[tern] 123456789")
        #expect(script.log.texts.count == 2)
        #expect(script.log.levels.last == .error)
    }

    @Test func colours() {
        let route = "request_route { $var(c) = $C(rx) + \"x\" + $C(Gb) + $C(xx); }"
        guard let plain = ModuleScript(route),
              let forced = ModuleScript(route, parameters: "modparam(\"xlog\", \"force_color\", 1)"),
              let stderr = ModuleScript(route, settings: ModuleScript.settings(logToStderr: true)) else { return }
        #expect(plain.run().variable("c") == .string("x"))
        let coloured = ScriptValue.string("\u{1B}[0;31;49mx\u{1B}[1;32;44m\u{1B}[0;39;49m")
        #expect(forced.run().variable("c") == coloured)
        #expect(stderr.run().variable("c") == coloured)
        #expect(ModuleScript.errors("request_route { $var(c) = $C(zz); }").first?.hasPrefix("invalid color name 'zz'") == true)
    }

    @Test func parametersAreChecked() {
        #expect(ModuleScript.errors("request_route { exit; }", parameters: "modparam(\"xlog\", \"log_facility\", \"LOG_NOPE\")")
            .first?.contains("invalid syslog facility 'LOG_NOPE'") == true)
        #expect(ModuleScript.errors("request_route { exit; }", parameters: "modparam(\"xlog\", \"log_colors\", \"l_err=c\")")
            .first?.contains("invalid color spec for level l_err") == true)
        #expect(ModuleScript("request_route { exit; }", parameters: """
            modparam("xlog", "log_facility", "log_local3")
            modparam("xlog", "log_colors", "L_ERR=cr;l_warn=yx;")
            """) != nil)
    }
}
