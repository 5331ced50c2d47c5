import Foundation
import Testing
import TernTestSupport

/// `tern -c`: every mistake reported once at file:line:column with the source line and a
/// caret; good configs (ours and the benchmark's Kamailio config) pass.
@Suite("tern -c")
struct ConfigCheckTests {
    /// Three independent mistakes; columns count from 1 and point at the first offending token.
    static let brokenConfig = """
        #!KAMAILIO
        debug=-1
        log_stderror=yes
        chidlren=2
        listen=udp:127.0.0.1:5060

        loadmodule "sl.so"

        request_route {
            if (method=="ACK") {
                exit;
            }
            if (method=="OPTIONS") {
                sl_send_reply("200", "OK"));
            }
            sl_send_replyy("404", "Not here");
            exit;
        }

        """

    /// (line, column, what) of each mistake in `brokenConfig`.
    static let expectedErrors: [(line: Int, column: Int, what: String)] = [
        (4, 1, "unknown global parameter 'chidlren'"),
        (14, 35, "syntax error: a second ')' where ';' must follow the call"),
        (16, 5, "unknown function 'sl_send_replyy'"),
    ]

    @Test("three mistakes give three errors at the right file:line:column")
    func threeMistakes() throws {
        let directory = try TemporaryDirectory(prefix: "tern-check")
        let path = try directory.write("broken.cfg", Self.brokenConfig)
        let result = try TernProcess.run(arguments: ["-c", "-f", path], workingDirectory: directory.path)

        #expect(!result.timedOut, "\(result)")
        #expect(result.status != .exited(0), "a broken config must fail the check\n\(result)")

        let lines = result.combinedOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let errorLines = lines.indices.filter { lines[$0].contains("broken.cfg:") && lines[$0].contains(": error: ") }
        #expect(errorLines.count == Self.expectedErrors.count,
                "expected exactly \(Self.expectedErrors.count) errors (one per mistake)\n\(result.combinedOutput)")

        let sourceLines = Self.brokenConfig.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for expected in Self.expectedErrors {
            let location = "broken.cfg:\(expected.line):\(expected.column): error: "
            guard let index = errorLines.first(where: { lines[$0].contains(location) }) else {
                Issue.record("no error at \(location)(\(expected.what))\noutput:\n\(result.combinedOutput)")
                continue
            }
            #expect(lines[index].contains(path + ":") || lines[index].hasPrefix("broken.cfg:"),
                    "the error should name the file as given: \(lines[index])")
            expectSourceAndCaret(lines: lines, errorIndex: index, source: sourceLines[expected.line - 1],
                                 column: expected.column)
        }
    }

    /// The two lines after an error: the source line as written, then `^` under the column.
    private func expectSourceAndCaret(lines: [String], errorIndex: Int, source: String, column: Int,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        guard errorIndex + 2 < lines.count,
              let start = lines[errorIndex + 1].range(of: source) else {
            Issue.record("after \(lines[errorIndex]) the source line `\(source)` should follow",
                         sourceLocation: sourceLocation)
            return
        }
        let prefix = lines[errorIndex + 1].distance(from: lines[errorIndex + 1].startIndex, to: start.lowerBound)
        let caretLine = lines[errorIndex + 2]
        let caret = caretLine.firstIndex(of: "^").map { caretLine.distance(from: caretLine.startIndex, to: $0) }
        #expect(caret == prefix + column - 1,
                "caret under column \(column):\n\(lines[errorIndex + 1])\n\(caretLine)",
                sourceLocation: sourceLocation)
    }

    @Test("a good config passes: `config file ok`, exit 0")
    func goodConfig() throws {
        let directory = try TemporaryDirectory(prefix: "tern-check")
        let config = TestConfigs.stateless.replacingOccurrences(of: "{PORT}", with: String(try FreePort.udpAndTCP()))
        let path = try directory.write("good.cfg", config)
        let result = try TernProcess.run(arguments: ["-c", "-f", path], workingDirectory: directory.path)
        #expect(result.status == .exited(0), "\(result)")
        #expect(result.combinedOutput.contains("config file ok"), "\(result)")
    }

    @Test("the benchmark's Kamailio stateless.cfg passes with -A PORT=…")
    func benchStatelessConfig() throws {
        let path = PackagePaths.benchConfigs + "/stateless.cfg"
        try #require(FileManager.default.fileExists(atPath: path), "missing \(path) (the shared bench folder beside the repository)")
        // Run from elsewhere: import_file "common.inc" must resolve beside the config file.
        let directory = try TemporaryDirectory(prefix: "tern-check")
        let port = try FreePort.udpAndTCP()
        let result = try TernProcess.run(arguments: ["-c", "-f", path, "-A", "PORT=\(port)"],
                                         workingDirectory: directory.path)
        #expect(result.status == .exited(0), "\(result)")
        #expect(result.combinedOutput.contains("config file ok"), "\(result)")
    }
}
