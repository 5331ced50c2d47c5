// log() and error(). Kamailio 5.6.3 with debug=3: log("x") prints nothing (its level is
// L_DBG+1), log(1, "x") prints "NOTICE: <script>: x", log(2, …) INFO, log(3, …) DEBUG, and
// error("aa", "bb") prints "NOTICE: … error("aa", "bb") not implemented yet". Kamailio adds no
// newline of its own; Tern's log lines always end, so one trailing "\n" is dropped.
import Logging
import Testing

@testable import TernRuntime

@Suite struct CoreFunctionLogTests {
    @Test func levelsFollowKamailiosNumbers() {
        guard let script = CoreScript("""
            request_route {
                log("default level");
                log(1, "notice");
                log(2, "info\\n");
                log(3, "debug");
                log(4, "beyond debug");
                log(0, "warning");
            }
            """) else { return }
        let run = script.run(logLevel: .debug)
        #expect(run.log.lines.map(\.level) == [.notice, .info, .debug, .warning])
        #expect(run.log.texts == ["<script>: notice", "<script>: info", "<script>: debug", "<script>: warning"])
        let verbose = script.run(logLevel: .trace)
        #expect(verbose.log.texts.first == "<script>: default level")
        #expect(verbose.log.lines.first?.level == .trace)
    }

    @Test func logTakesItsTextAsWritten() {
        guard let script = CoreScript("request_route { log(1, \"from $fU\"); }") else { return }
        #expect(script.run().log.texts == ["<script>: from $fU"])
    }

    @Test func errorIsANoticeThatSaysItIsNotImplemented() {
        guard let script = CoreScript("request_route { error(\"aa\", \"bb\"); }") else { return }
        let run = script.run()
        #expect(run.log.lines.map(\.level) == [.notice])
        #expect(run.log.texts == ["error(\"aa\", \"bb\") not implemented yet"])
        #expect(run.outcome.returnCode == 1)
    }

    @Test func levelMustBeANumber() {
        #expect(CoreScript.errors("request_route { log(L_ERR, \"x\"); log($var(l), \"x\"); }").count == 2)
    }

    @Test func kamailioLevelsOnSwiftLog() {
        #expect((-5 ... 4).map(ScriptLogLevel.level) == [.critical, .critical, .critical, .critical, .error, .warning, .notice, .info, .debug, .trace])
        #expect(ScriptLogLevel.lineText("a\n") == "a")
        #expect(ScriptLogLevel.lineText("a\r\n") == "a")
        #expect(ScriptLogLevel.lineText("a\n\n") == "a\n")
        #expect(ScriptLogLevel.lineText("a") == "a")
    }
}
