// The `tern` server binary: Kamailio's command line (`-f`, `-c`, `-A`, `-D`, `-E`, `-n`,
// `-l`, `-m`, `-V` …) so existing start scripts and the bench harness work unchanged.

import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Logging
import TernModules
import TernRuntime
import TernScript

@main
struct TernCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Tern, a programmable SIP server that runs Kamailio configs.")

    @Option(name: .customShort("f"), help: "Configuration file.")
    var configFile = "tern.cfg"

    @Flag(name: .customShort("c"), help: "Check the configuration file and exit.")
    var checkOnly = false

    @Option(name: .customShort("A"), help: "Define NAME (or NAME=VALUE) for the config preprocessor, as #!define.")
    var defines: [String] = []

    @Flag(name: .customShort("D"), help: "Stay in the foreground (Tern always does; accepted as -D/-DD).")
    var foreground: Int

    @Flag(name: .customShort("E"), help: "Log to standard error.")
    var logToStderr = false

    @Flag(name: .customShort("d"), help: "Raise the log level by one per -d.")
    var debug: Int

    @Option(name: .customShort("n"), help: "Number of worker threads per UDP socket (children).")
    var children: Int?

    @Option(name: .customShort("l"), help: "Listen on [proto:]addr[:port]; repeatable, adds to the config's listen lines.")
    var listens: [String] = []

    @Option(name: .customShort("m"), help: "Shared memory size in MB (accepted; Tern sizes its memory itself).")
    var sharedMemory: Int?

    @Option(name: .customShort("M"), help: "Private memory size in MB (accepted; Tern sizes its memory itself).")
    var privateMemory: Int?

    @Option(name: .customShort("L"), help: "Module search path (accepted; modules are built in).")
    var modulePath: String?

    @Option(name: .customShort("P"), help: "Write the process id to this file.")
    var pidFile: String?

    @Flag(name: .customShort("V"), help: "Print the version and exit.")
    var version = false

    mutating func run() throws {
        if version {
            print(TernVersion.full)
            return
        }
        let launcher = ServerLauncher(
            configFile: configFile,
            defines: defines.map(Self.splitDefine),
            overrides: overrides,
            pidFile: pidFile)
        throw ExitCode(checkOnly ? launcher.check() : launcher.run())
    }

    private var overrides: CoreSettings.Overrides {
        var value = CoreSettings.Overrides()
        value.children = children
        value.listens = listens
        value.logToStderr = logToStderr
        value.extraDebug = debug
        return value
    }

    private static func splitDefine(_ text: String) -> (name: String, value: String?) {
        guard let equals = text.firstIndex(of: "=") else { return (text, nil) }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
