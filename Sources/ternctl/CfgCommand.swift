import ArgumentParser
import Foundation
import TernRPCModel

/// `ternctl cfg check FILE | reload`.
struct CfgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cfg",
        abstract: "Check a config file, or make the running server reload its own.",
        subcommands: [Check.self, Reload.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check a config file with `tern -c` (the tern binary beside ternctl, else on PATH).")
        @Argument(help: "The config file.") var file: String

        func run() throws {
            let tern = TernBinary.locate()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tern)
            process.arguments = ["-c", "-f", file]
            do {
                try process.run()
            } catch {
                FileHandle.standardError.write(Data("cannot run \(tern): \(error)\n".utf8))
                throw ExitCode(2)
            }
            process.waitUntilExit()
            // tern prints the errors itself (file:line:column); its status says whether the config is sound.
            if process.terminationStatus != 0 { throw ExitCode(1) }
        }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reload", abstract: "Reload the server's config file (cfg.reload).")
        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            try runCall { () throws(ClientFailure) in
                let result = try connection.client().call("cfg.reload")
                if connection.json { ResultPrinter.json(result) } else { ResultPrinter.text(result) }
            }
        }
    }
}

/// Where the server binary is: beside ternctl (one build or install folder), else on PATH.
enum TernBinary {
    static func locate() -> String {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let sibling = own.deletingLastPathComponent().appendingPathComponent("tern").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/tern"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "tern"
    }
}
