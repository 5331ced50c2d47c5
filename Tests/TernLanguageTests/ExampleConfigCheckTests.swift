import Foundation
import Testing
import TernTestSupport

/// Every config in examples/ goes through the real `tern -c`. A seed example that loads a
/// module Tern does not have yet may fail only with "module 'X' is not built into Tern yet" on
/// its loadmodule lines, never with a syntax or name error; `waitingFor` says which modules
/// each example still needs, so the table must change when one of them is built.
@Suite("Seed examples pass tern -c", .serialized)
struct ExampleConfigCheckTests {
    /// Example → the modules `tern -c` reports as not built yet (empty: the config passes).
    static let waitingFor: [String: Set<String>] = [
        "tern.cfg": [],
        "management.cfg": [],
        "exec_mail_on_call.cfg": [],
        "exec_mail_caller_env.cfg": [],
        "exec-1-oneliner.cfg": [],
        "exec-2-caller.cfg": [],
        "exec-3-anyone.cfg": [],
        "exec-4-stateful.cfg": [],
        "exec-5-full.cfg": [],
        "exec-6-acc.cfg": [],
        "http_query.cfg": ["utils"],
        "sipweet.cfg": ["app_lua", "rtimer", "sqlops", "mqueue"],
        "xhttp_stats.cfg": ["xhttp"],
        "xhttp_lua_stats.cfg": ["xhttp", "app_lua"],
        "msrp_relay_server.cfg": ["msrp"],
        "msrp_sipmsg_param.cfg": ["msrp"],
        "msrp_relay_function.cfg": ["msrp"],
        "msrp_reply_function.cfg": ["msrp"],
        "msrp_is_request_function.cfg": ["msrp"],
        "msrp_is_reply_function.cfg": ["msrp"],
        "msrp_set_dst_function.cfg": ["msrp"],
        "msrp_relay_flags_function.cfg": ["msrp"],
        "msrp_reply_flags_function.cfg": ["msrp"],
    ]

    /// The parameterised tests below would pass with no cases if the folder were not found.
    @Test func examplesFolderIsFound() {
        #expect(Self.examples.count >= 15, "examples/ under \(PackagePaths.root) has \(Self.examples.count) configs")
    }

    static let examples: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: PackagePaths.root + "/examples")) ?? []
        return names.filter { $0.hasSuffix(".cfg") }.sorted()
    }()

    @Test("every example config is in the table", arguments: examples)
    func listed(_ name: String) {
        #expect(Self.waitingFor[name] != nil, "add examples/\(name) to ExampleConfigCheckTests.waitingFor")
    }

    @Test("tern -c accepts the example, or names only modules not built yet", arguments: examples)
    func check(_ name: String) throws {
        let result = try TernProcess.run(arguments: ["-c", "-f", "examples/" + name], workingDirectory: PackagePaths.root)
        let errors = Self.errorLines(result.standardError + "\n" + result.standardOutput)
        var pending = Set<String>()
        var others: [String] = []
        for line in errors {
            if let module = Self.notBuiltModule(in: line) {
                pending.insert(module)
            } else {
                others.append(line)
            }
        }
        #expect(others.isEmpty, "examples/\(name): errors other than modules not built yet:\n\(others.joined(separator: "\n"))")
        let expected = Self.waitingFor[name] ?? []
        #expect(pending == expected,
                "examples/\(name) waits for \(pending.sorted()), the table says \(expected.sorted()): update waitingFor")
        if expected.isEmpty && others.isEmpty {
            #expect(result.status == .exited(0), "examples/\(name):\n\(result.standardError)")
        } else {
            #expect(result.status != .exited(0), "examples/\(name) has errors but tern -c exited 0")
        }
    }

    /// The `file:line:col: error: message` lines of tern's output.
    static func errorLines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.contains(": error: ") }
    }

    static func notBuiltModule(in line: String) -> String? {
        guard let start = line.range(of: ": error: module '"),
            let end = line.range(of: "' is not built into Tern yet", range: start.upperBound..<line.endIndex)
        else { return nil }
        return String(line[start.upperBound..<end.lowerBound])
    }
}
