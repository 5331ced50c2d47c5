// ternctl — the command-line tool for a running Tern (SER's serctl, Kamailio's kamcmd and
// kamctl in one). It speaks only the management protocols: JSON-RPC 2.0 on the control
// socket (ctl module), JSON-RPC or SER text on a management FIFO (mi_fifo, jsonrpcs, the
// core `fifo`). Exit codes: 0 done, 1 the server answered with an error, 2 the server is
// not reachable, 3 no usable answer (timeout, garbage), 64 bad usage.

import ArgumentParser

@main
struct Ternctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ternctl",
        abstract: "Manage a running Tern over its control socket or management FIFO.",
        discussion: """
            The control socket is --socket, else $TERN_CTL, else /run/tern/tern_ctl or /tmp/tern_ctl \
            (whichever exists). Exit codes: 0 ok, 1 the server answered with an error, \
            2 server not reachable, 3 no usable answer, 64 usage.
            """,
        subcommands: [
            FIFOCommand.self, RPCCallCommand.self,
            UptimeCommand.self, VersionCommand.self, PSCommand.self, WhichCommand.self, StatsCommand.self,
            ULCommand.self, CfgCommand.self, IMCommand.self, CTDCommand.self,
            AddSubscriberCommand.self, PasswdSubscriberCommand.self, RemoveSubscriberCommand.self,
        ]
    )
}
