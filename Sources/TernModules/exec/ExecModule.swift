#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import TernRuntime
import TernScript

/// exec — external programs run by `/bin/sh -c` from the script, as Kamailio's exec module:
/// exec_msg(cmd) gives the program the received request on its input; exec_dset(cmd) passes
/// the R-URI as last argument and takes the output's first line as the new R-URI and the
/// others as branches; exec_avp(cmd[, avps]) stores output lines in AVPs; exec_cmd(cmd) runs
/// the command alone. Each returns 1 when the program exits 0, -1 otherwise (non-zero exit,
/// killed by a signal or by `time_to_kill`). The worker waits for the program, as Kamailio's
/// does; `time_to_kill` (seconds, 0 = no limit) bounds that wait.
///
/// Parameters: setvars (1: SIP_* variables, ExecEnvironment), time_to_kill, bash_safety
/// (1: a header value starting `() {` loses its `()`), and Tern's quote_pvs (1: substituted
/// values reach the shell as quoted text, ShellCommand; 0: raw, as Kamailio does).
final class ExecModule: TernModule, @unchecked Sendable {
    let name = "exec"
    private var setVariables = true
    private var timeToKill = 0
    private var bashSafety = true
    private var quoting = true
    /// The server's environment, without SIP_* entries: every program gets it.
    private var inheritedEnvironment: [[UInt8]] = ExecModule.currentEnvironment()
    /// Commands compiled before configure runs, checked there once quote_pvs is known (a
    /// reload compiles after it: those are checked when they run).
    private let compiled = Lock()
    private var compiledCommands: [ShellCommand] = []
    private var configured = false

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: [
                ParameterDeclaration(name: "setvars", type: .int),
                ParameterDeclaration(name: "time_to_kill", type: .int),
                ParameterDeclaration(name: "bash_safety", type: .int),
                ParameterDeclaration(name: "quote_pvs", type: .int),
            ],
            functions: [
                function("exec_msg", routeTypes: [.request, .failure], arguments: 1...1) { m, command, _ in
                    { ctx in m.execMessage(ctx, command) }
                },
                function("exec_dset", routeTypes: [.request, .failure], arguments: 1...1, appendsArgument: true) { m, command, _ in
                    { ctx in m.execDestinationSet(ctx, command) }
                },
                function("exec_avp", routeTypes: [.request, .failure], arguments: 1...2) { m, command, args throws(Diagnostic) in
                    let names = try args.count > 1 ? AVPNameList(args[1]) : nil
                    return { ctx in m.execAVP(ctx, command, names: names) }
                },
                function("exec_cmd", routeTypes: .any, arguments: 1...1) { m, command, _ in
                    { ctx in m.execCommand(ctx, command) }
                },
            ]
        )
    }

    private func function(
        _ name: String, routeTypes: RouteTypes, arguments: ClosedRange<Int>, appendsArgument: Bool = false,
        _ body: @escaping @Sendable (ExecModule, ShellCommand, [ScriptArgument]) throws(Diagnostic) -> CompiledCall
    ) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: arguments, routeTypes: routeTypes,
                            argumentKinds: [.literal, .literal]) { [unowned self] args, _ throws(Diagnostic) in
            let command = try ShellCommand(args[0], appendsArgument: appendsArgument)
            self.compiled.withLock { if !self.configured { self.compiledCommands.append(command) } }
            return try body(self, command, args)
        }
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        for p in parameters {
            guard case .int(let value) = p.value else {
                throw ConfigurationError("exec \(p.parameter) takes a number", at: p.location)
            }
            switch p.parameter {
            case "setvars": setVariables = value != 0
            case "bash_safety": bashSafety = value != 0
            case "quote_pvs": quoting = value != 0
            case "time_to_kill":
                guard value >= 0 else {
                    throw ConfigurationError("exec time_to_kill \(value) is negative (seconds; 0 = no limit)", at: p.location)
                }
                timeToKill = value
            default: break
            }
        }
        if quoting {
            let unsafe = compiled.withLock { compiledCommands.first { $0.unsafePlacement != nil } }
            if let unsafe, let placement = unsafe.unsafePlacement {
                throw ConfigurationError("exec: \(placement) cannot be quoted safely for the shell; "
                                         + "rewrite the command, or set modparam(\"exec\", \"quote_pvs\", 0) to substitute raw",
                                         at: unsafe.location)
            }
        } else {
            services.logger.warning("exec: quote_pvs is 0: pseudo-variable values go into commands unquoted, so a caller can make the shell run commands of their choice")
        }
        compiled.withLock {
            compiledCommands = []
            configured = true
        }
        inheritedEnvironment = Self.currentEnvironment()
        ChildProgram.ignoreBrokenPipes()
    }

    // MARK: - Functions

    private func execMessage(_ ctx: ScriptContext, _ command: ShellCommand) -> Int {
        guard let line = commandLine(ctx, command, function: "exec_msg") else { return -1 }
        let message = ctx.message
        let input = Array(message.bytes[message.messageStart...])
        let result = ChildProgram.run(ChildProgramRequest(
            command: line, environment: environment(ctx), input: input, timeLimit: timeLimit))
        return outcome(ctx, result, command: command, function: "exec_msg")
    }

    private func execDestinationSet(_ ctx: ScriptContext, _ command: ShellCommand) -> Int {
        let uri = Array((ctx.currentRequestURI ?? "").utf8)
        guard let line = commandLine(ctx, command, function: "exec_dset", appending: uri) else { return -1 }
        let result = ChildProgram.run(ChildProgramRequest(
            command: line, environment: environment(ctx), input: nil, capturesOutput: true, timeLimit: timeLimit))
        let lines = OutputLines.split(result.output)
        var status = 1
        if let first = lines.first {
            ctx.newRequestURI = String(decoding: first, as: UTF8.self)
            for more in lines.dropFirst() {
                ctx.branches.append(ScriptBranch(uri: String(decoding: more, as: UTF8.self)))
            }
        } else if result.ending != .timedOut {
            ctx.logFunctionError("exec_dset", "the program printed no URI", at: command.location)
            status = -1
        }
        return min(status, outcome(ctx, result, command: command, function: "exec_dset"))
    }

    private func execAVP(_ ctx: ScriptContext, _ command: ShellCommand, names: AVPNameList?) -> Int {
        guard let line = commandLine(ctx, command, function: "exec_avp") else { return -1 }
        let result = ChildProgram.run(ChildProgramRequest(
            command: line, environment: environment(ctx), input: nil, capturesOutput: true, timeLimit: timeLimit))
        for (i, value) in OutputLines.split(result.output).enumerated() {
            let text = ScriptValue.string(String(decoding: value, as: UTF8.self))
            if let names, i < names.variables.count {
                names.variables[i].set(ctx, text)
            } else {
                ctx.avps.add(.int(i + 1), text)
            }
        }
        return outcome(ctx, result, command: command, function: "exec_avp")
    }

    private func execCommand(_ ctx: ScriptContext, _ command: ShellCommand) -> Int {
        guard let line = commandLine(ctx, command, function: "exec_cmd") else { return -1 }
        let result = ChildProgram.run(ChildProgramRequest(
            command: line, environment: inheritedEnvironment, input: nil, timeLimit: timeLimit))
        return outcome(ctx, result, command: command, function: "exec_cmd")
    }

    // MARK: - Shared steps

    private var timeLimit: Int? { timeToKill > 0 ? timeToKill : nil }

    private func commandLine(_ ctx: ScriptContext, _ command: ShellCommand, function: String,
                             appending: [UInt8]? = nil) -> [UInt8]? {
        if quoting, let placement = command.unsafePlacement {
            ctx.logFunctionError(function, "\(placement) cannot be quoted safely for the shell", at: command.location)
            return nil
        }
        return command.expand(ctx, quoting: quoting, appending: appending)
    }

    private func environment(_ ctx: ScriptContext) -> [[UInt8]] {
        guard setVariables else { return inheritedEnvironment }
        let requestURI = ctx.newRequestURI.map { Array($0.utf8) }
        return inheritedEnvironment + ExecEnvironment.variables(
            message: ctx.message, requestURI: requestURI, sourceIP: ctx.receive.source.ip, bashSafety: bashSafety)
    }

    private func outcome(_ ctx: ScriptContext, _ result: ChildProgramResult, command: ShellCommand, function: String) -> Int {
        switch result.ending {
        case .exited(0):
            return 1
        case .exited(let code):
            ctx.worker.logger.debug("\(function): the program exited with status \(code) (\(command.location))")
            return -1
        case .signaled(let signal):
            ctx.logFunctionError(function, "the program was killed by signal \(signal)", at: command.location)
            return -1
        case .timedOut:
            ctx.logFunctionError(function, "the program ran longer than time_to_kill (\(timeToKill) s) and was killed", at: command.location)
            return -1
        case .notStarted(let code):
            ctx.logFunctionError(function, "cannot start /bin/sh (errno \(code))", at: command.location)
            return -1
        }
    }

    private static func currentEnvironment() -> [[UInt8]] {
        var out: [[UInt8]] = []
        var p = environ
        while let entry = p.pointee {
            let bytes = Array(UnsafeRawBufferPointer(start: entry, count: strlen(entry)))
            if !ExecEnvironment.isSIPVariable(bytes) { out.append(bytes) }
            p += 1
        }
        return out
    }
}

/// exec_avp's second argument: the AVPs that receive the output lines in order
/// (`"$avp(a);$avp(b)"`, separated by `;`, `,` or blanks). Lines past the list go to
/// `$avp(i:N)`, N counting every line, as in Kamailio.
struct AVPNameList {
    let variables: [PseudoVariableReference]

    init(_ argument: ScriptArgument) throws(Diagnostic) {
        guard let text = argument.literalText else {
            throw .error("exec_avp: the AVP list must be written as text, such as \"$avp(a);$avp(b)\"", at: argument.location)
        }
        var list: [PseudoVariableReference] = []
        let separators: Set<Character> = [" ", "\t", ",", ";", "\n"]
        for item in text.split(whereSeparator: { separators.contains($0) }) {
            guard item.hasPrefix("$avp(") else {
                throw .error("exec_avp: '\(item)' is not an AVP", at: argument.location, hint: "write $avp(name) or $avp(i:N)")
            }
            list.append(try argument.bindPseudoVariable(String(item)))
        }
        guard !list.isEmpty else {
            throw .error("exec_avp: the AVP list is empty", at: argument.location)
        }
        variables = list
    }
}
