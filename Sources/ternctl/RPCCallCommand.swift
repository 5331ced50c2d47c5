import ArgumentParser
import TernRPCModel

/// `ternctl rpc METHOD [PARAMS…]` — kamcmd: any command, parameters typed as kamcmd does.
struct RPCCallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Call any management command (as kamcmd): ternctl rpc core.uptime, ternctl rpc stats.get_statistics core:.",
        discussion: "Numbers are sent as integers; prefix s: to send a string (s:123), i: for an integer."
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The method, e.g. core.uptime.") var method: String
    @Argument(parsing: .allUnrecognized, help: "Parameters.") var parameters: [String] = []

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let result = try connection.client().call(method, parameters.map(rpcParameter))
            if connection.json { ResultPrinter.json(result) } else { ResultPrinter.text(result) }
        }
    }
}
