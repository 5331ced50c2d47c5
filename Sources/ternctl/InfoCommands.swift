import ArgumentParser
import TernRPCModel

/// `ternctl uptime`: core.uptime.
struct UptimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uptime", abstract: "How long the server has been running.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let result = try connection.client().call("core.uptime")
            guard !connection.json, case .object(let info) = result else { return ResultPrinter.json(result) }
            print("Now: \(info["now"]?.textValue ?? "")")
            print("Up Since: \(info["up_since"]?.textValue ?? "")")
            print("Up time: \(info["uptime"]?.textValue ?? "") [sec]")
        }
    }
}

/// `ternctl version`: core.version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "The server's version.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let result = try connection.client().call("core.version")
            if connection.json { ResultPrinter.json(result) } else { ResultPrinter.text(result) }
        }
    }
}

/// `ternctl ps`: the server's threads and what each does (core.psx).
struct PSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "The server's threads and their roles.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let result = try connection.client().call("core.psx")
            guard !connection.json, case .array(let entries) = result else { return ResultPrinter.json(result) }
            let rows = entries.compactMap { entry -> [String]? in
                guard case .object(let info) = entry else { return nil }
                return [info["IDX"]?.textValue ?? "", info["PID"]?.textValue ?? "", info["DSC"]?.textValue ?? ""]
            }
            ResultPrinter.table(["IDX", "PID", "ROLE"], rows)
        }
    }
}

/// `ternctl which`: every command the server offers (system.listMethods).
struct WhichCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "which", abstract: "Every command the server offers.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let result = try connection.client().call("system.listMethods")
            if connection.json { ResultPrinter.json(result) } else { ResultPrinter.text(result) }
        }
    }
}

/// `ternctl stats [NAME…]`: counters — all, a group (`core:`) or names.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Statistics: all, a group (core:) or counter names.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Counter names or groups (default: all).") var names: [String] = []

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let selectors = names.isEmpty ? ["all"] : names
            let result = try connection.client().call("stats.get_statistics", selectors.map { .string($0) })
            guard !connection.json, case .array(let lines) = result else { return ResultPrinter.json(result) }
            let rows = lines.compactMap(\.textValue).map { line -> [String] in
                let parts = line.components(separatedBy: " = ")
                return parts.count == 2 ? parts : [line, ""]
            }
            ResultPrinter.table(["STATISTIC", "VALUE"], rows)
        }
    }
}
