import ArgumentParser
import Foundation

/// How ternctl reaches the server; every subcommand takes these.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "The control socket (JSON-RPC). Default: $TERN_CTL, /run/tern/tern_ctl, /tmp/tern_ctl.")
    var socket: String?

    @Option(name: .long, help: "Use this management FIFO instead of the control socket.")
    var fifo: String?

    @Option(name: .customLong("reply-dir"), help: "Directory the server writes FIFO replies to (its reply_dir).")
    var replyDirectory = "/tmp"

    @Option(name: .long, help: "Seconds to wait for an answer.")
    var timeout: Double = 10

    @Flag(name: .long, help: "Print the JSON-RPC result as JSON, for scripts.")
    var json = false

    /// The socket path to use when no FIFO was asked for.
    var socketPath: String {
        if let socket { return socket }
        if let path = ProcessInfo.processInfo.environment["TERN_CTL"], !path.isEmpty { return path }
        for candidate in ["/run/tern/tern_ctl", "/tmp/tern_ctl"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return "/run/tern/tern_ctl"
    }

    var timeoutMilliseconds: Int { max(100, Int(timeout * 1000)) }

    /// The transport for JSON-RPC calls.
    func client() -> ManagementClient {
        if let fifo {
            return ManagementClient(transport: .fifo(path: fifo, replyDirectory: replyDirectory), timeoutMilliseconds: timeoutMilliseconds)
        }
        return ManagementClient(transport: .socket(path: socketPath), timeoutMilliseconds: timeoutMilliseconds)
    }
}
