import ArgumentParser
import Foundation
import TernRPCModel

/// `ternctl fifo CMD [ARGS…]` — SER's `serctl fifo`: the text protocol, each argument one
/// parameter line. Prints the result lines (the status line too when it is an error).
struct FIFOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fifo",
        abstract: "Send a SER text command (as serctl fifo): ternctl fifo uptime, ternctl fifo ul_show_contact location jiri.",
        discussion: "Uses --fifo, else $TERN_FIFO, /tmp/ser_fifo or /tmp/kamailio_fifo when one exists, else the control socket."
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The command name.") var command: String
    @Argument(parsing: .allUnrecognized, help: "Parameter lines.") var arguments: [String] = []

    func run() throws {
        let client: ManagementClient
        if let fifo = connection.fifo ?? Self.defaultFIFO() {
            client = ManagementClient(transport: .fifo(path: fifo, replyDirectory: connection.replyDirectory),
                                      timeoutMilliseconds: connection.timeoutMilliseconds)
        } else {
            client = connection.client()
        }
        var succeeded = false
        try runCall { () throws(ClientFailure) in
            let answer = try client.text(command, arguments)
            if connection.json {
                ResultPrinter.json(.object(["status": .string(answer.status), "lines": .array(answer.body.map { .string($0) })]))
            } else {
                // serctl printed the status line only for errors.
                if !answer.status.hasPrefix("2") { print(answer.status) }
                for line in answer.body { print(line) }
            }
            succeeded = answer.status.hasPrefix("2")
        }
        if !succeeded { throw ExitCode(1) }
    }

    static func defaultFIFO() -> String? {
        if let path = ProcessInfo.processInfo.environment["TERN_FIFO"], !path.isEmpty { return path }
        return ["/tmp/ser_fifo", "/tmp/kamailio_fifo"].first { FileManager.default.fileExists(atPath: $0) }
    }
}
