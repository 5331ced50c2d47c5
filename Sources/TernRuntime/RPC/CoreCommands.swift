#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How `cfg.reload` compiles the config file again: the launcher knows the file and the
/// `-A` defines. It throws the config's errors as one RPC error (one error per line).
public typealias ConfigReloader = @Sendable () throws(RPCError) -> Int

/// The core's management commands: the SER FIFO names the seed documents (`uptime`,
/// `which`, …, answering in SER's text layout) and Kamailio's modern names (`core.*`,
/// `system.*`, `stats.*`, `cfg.reload`, answering with structured values).
enum CoreCommands {
    static func all(server: ServerRuntime) -> [RPCCommand] {
        let services = server.services
        let since = ServerClockText.now()
        let registry = services.rpc
        let processes = services.processes
        let statistics = services.statistics
        return [
            // SER's built-in set, in the order the seed's `which` lists it.
            RPCCommand(name: "ps", help: "Lists the server's threads: index, pid, role.") { _ in
                .array(processes.all.map { .string("\($0.index)\t\($0.pid)\t\($0.description)") })
            },
            RPCCommand(name: "which", help: "Lists every available command.") { _ in
                .array(registry.all.map { .string($0.name) })
            },
            RPCCommand(name: "version", help: "Prints the server's version.") { _ in
                .string("Server: \(TernVersion.full)")
            },
            RPCCommand(name: "uptime", help: "Prints the current time, the start time and the uptime.") { _ in
                .string(ServerClockText.uptimeLines(now: ServerClockText.now(), since: since))
            },
            RPCCommand(name: "print", help: "Echoes its parameter line.") { request in
                .string(request.optionalString(0) ?? "")
            },
            RPCCommand(name: "arg", help: "Lists the server's command-line arguments.") { _ in
                .array(CommandLine.arguments.map { .string($0) })
            },
            RPCCommand(name: "pwd", help: "Prints the server's working directory.") { _ in
                .string(workingDirectory())
            },
            RPCCommand(name: "core.uptime", help: "Current time, start time and uptime in seconds.") { _ in
                let now = ServerClockText.now()
                return .object([
                    "now": .string(ServerClockText.ctime(now)),
                    "up_since": .string(ServerClockText.ctime(since)),
                    "uptime": .int(now - since),
                ])
            },
            RPCCommand(name: "core.version", help: "The server's version string.") { _ in
                .string(TernVersion.full)
            },
            RPCCommand(name: "core.ps", help: "Threads as alternating pid and description.") { _ in
                .array(processes.all.flatMap { [RPCValue.int($0.pid), .string($0.description)] })
            },
            RPCCommand(name: "core.psx", help: "Threads as {IDX, PID, DSC} structs.") { _ in
                .array(processes.all.map {
                    .object(["IDX": .int($0.index), "PID": .int($0.pid), "DSC": .string($0.description)])
                })
            },
            RPCCommand(name: "core.echo", help: "Returns its parameters (as strings, as Kamailio's does).") { request in
                .array(request.parameters.map { .string($0.textValue ?? RPCJSON.encode($0)) })
            },
            RPCCommand(name: "core.arg", help: "The server's command-line arguments.") { _ in
                .array(CommandLine.arguments.map { .string($0) })
            },
            RPCCommand(name: "core.pwd", help: "The server's working directory.") { _ in
                .string(workingDirectory())
            },
            RPCCommand(name: "system.listMethods", help: "Every command name, sorted.") { _ in
                .array(registry.sortedNames.map { .string($0) })
            },
            RPCCommand(name: "system.methodHelp", help: "The help text of a command.") { request in
                let name = try request.string(0, missing: "method name expected")
                guard let command = registry.command(named: name) else { throw RPCError.methodNotFound }
                return .string(command.help)
            },
            RPCCommand(name: "stats.get_statistics", help: "Counters: all, a group (`core:`) or names.") { request in
                let selectors = request.strings.isEmpty ? ["all"] : request.strings
                let lines = StatisticsSelection.lines(statistics, selectors: selectors)
                guard !lines.isEmpty else { throw RPCError.failed("statistics not found") }
                return .array(lines.map { .string($0) })
            },
            RPCCommand(name: "stats.reset_statistics", help: "Sets the named counters (or groups) to zero.") { request in
                guard !request.strings.isEmpty else { throw RPCError.badParameters("statistic name expected") }
                let counters = StatisticsSelection.counters(statistics, selectors: request.strings)
                guard !counters.isEmpty else { throw RPCError.failed("statistics not found") }
                for counter in counters { counter.reset() }
                return .null
            },
            RPCCommand(name: "stats.clear_statistics", help: "Same as stats.reset_statistics.") { request in
                let counters = StatisticsSelection.counters(statistics, selectors: request.strings)
                for counter in counters { counter.reset() }
                return .null
            },
            RPCCommand(name: "cfg.reload", help: "Compiles the config file again and routes new messages with it.") { _ in
                guard let reloader = server.configReloader else {
                    throw RPCError.failed("reload is not available in this server")
                }
                let generation = try reloader()
                return .string("config reloaded (generation \(generation))")
            },
        ]
    }

    private static func workingDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// `stats.get_statistics` selectors: `all`, `group:` or a counter's name.
public enum StatisticsSelection {
    public static func counters(_ registry: StatisticsRegistry, selectors: [String]) -> [StatCounter] {
        let all = registry.all
        var chosen: [StatCounter] = []
        for selector in selectors {
            let matches: [StatCounter]
            if selector == "all" {
                matches = all
            } else if selector.hasSuffix(":") {
                let group = String(selector.dropLast())
                matches = all.filter { $0.group == group }
            } else if let colon = selector.firstIndex(of: ":") {
                let group = String(selector[..<colon])
                let name = String(selector[selector.index(after: colon)...])
                matches = all.filter { $0.group == group && $0.name == name }
            } else {
                matches = all.filter { $0.name == selector }
            }
            for counter in matches where !chosen.contains(where: { $0 === counter }) {
                chosen.append(counter)
            }
        }
        return chosen
    }

    public static func lines(_ registry: StatisticsRegistry, selectors: [String]) -> [String] {
        counters(registry, selectors: selectors).map { "\($0.group):\($0.name) = \($0.current)" }
    }
}
