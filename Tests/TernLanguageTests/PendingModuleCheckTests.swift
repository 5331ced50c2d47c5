import TernScript
import TernTestSupport
import Testing

/// A config that loads a Kamailio module Tern does not have yet gets one error, on the
/// loadmodule line; the names that module would bring are not reported as unknown.
@Suite("Modules not built into Tern yet")
struct PendingModuleCheckTests {
    static func errors(_ text: String) -> [Diagnostic] {
        switch ScriptTestHarness.load(text) {
        case .success: return []
        case .failure(let list): return list.errors
        }
    }

    // lcr: a Kamailio 5.6 module with functions, parameters and pseudo-variables of its own.
    static let usesLCR = """
        modparam("lcr", "db_url", "mysql://kamailio@localhost/kamailio")
        request_route {
            load_gws(1);
            if (next_gw()) { $var(gw) = $lcr_rule(id); }
            exit;
        }
        """

    @Test("the loadmodule line is the one error")
    func oneError() {
        let errors = Self.errors("loadmodule \"lcr.so\"\n" + Self.usesLCR)
        #expect(errors.map(\.message) == ["module 'lcr' is not built into Tern yet"])
        #expect(errors.first?.location.line == 1)
        #expect(errors.first?.location.file == "main.cfg")
    }

    @Test("without the module loaded, its names are unknown again")
    func namesNeedTheLoad() {
        let messages = Self.errors(Self.usesLCR).map(\.message)
        #expect(messages.contains("unknown function 'load_gws'"))
        #expect(!messages.contains { $0.contains("not built into Tern yet") })
    }

    @Test("a name Kamailio does not have either is still not found")
    func unknownModule() {
        let messages = Self.errors("loadmodule \"no_such_module.so\"\nrequest_route { exit; }").map(\.message)
        #expect(messages == ["module 'no_such_module' not found"])
    }

    @Test("a path and .so suffix name the same module", arguments: ["lcr", "lcr.so", "/usr/lib/kamailio/modules/lcr.so"])
    func spelledAsPath(_ written: String) {
        let messages = Self.errors("loadmodule \"\(written)\"\nrequest_route { exit; }").map(\.message)
        #expect(messages == ["module 'lcr' is not built into Tern yet"])
    }

    @Test("syntax errors are still reported beside a pending module")
    func syntaxStillChecked() {
        let messages = Self.errors("loadmodule \"lcr.so\"\nrequest_route {\n    $var(x) = ;\n    load_gws(1);\n}").map(\.message)
        #expect(messages.count == 2)
        #expect(messages.first == "module 'lcr' is not built into Tern yet")
    }

    @Test("a second loadmodule of it warns as for any module")
    func loadedTwice() {
        let errors = Self.errors("loadmodule \"lcr.so\"\nloadmodule \"lcr.so\"\nrequest_route { exit; }")
        #expect(errors.map(\.message) == ["module 'lcr' is not built into Tern yet"])
    }

    @Test("a modparam pattern that also names it is not reported", arguments: ["sl|lcr", "lcr"])
    func parameterOfPendingModule(_ pattern: String) {
        let text = "loadmodule \"sl.so\"\nloadmodule \"lcr.so\"\nmodparam(\"\(pattern)\", \"db_url\", \"x\")\nrequest_route { exit; }"
        #expect(Self.errors(text).map(\.message) == ["module 'lcr' is not built into Tern yet"])
    }

    @Test("a parameter no built module has is still reported when no pending module matches")
    func parameterOfBuiltModule() {
        let text = "loadmodule \"sl.so\"\nloadmodule \"lcr.so\"\nmodparam(\"sl\", \"db_url\", \"x\")\nrequest_route { exit; }"
        let messages = Self.errors(text).map(\.message)
        #expect(messages.count == 2)
        #expect(messages.contains("module 'sl' has no parameter 'db_url'"))
    }
}
