import Logging
import SIPCore
import TernRuntime
import TernScript

/// xlog — log lines with pseudo-variables: xlog([facility,] [level,] "format"), the fixed-level
/// xdbg/xinfo/xnotice/xwarn/xerr/xbug/xcrit/xalert, xlogl/xdbgl (with the config line),
/// xlogm (silent for the methods in `methods_filter`) and `$C(fb)` colours. The level is
/// checked before the format is expanded, so a disabled xdbg costs one comparison. Lines go
/// to the worker's logger, the same output as every other Tern log line.
final class XLogModule: TernModule, @unchecked Sendable {
    let name = "xlog"
    private var settings = XLogSettings()
    private var logsToStandardError = false

    var declaration: ModuleDeclaration {
        var functions: [FunctionDeclaration] = [
            FunctionDeclaration(name: "xlog", argumentCounts: 1...3, routeTypes: .any, argumentKinds: [.literal, .literal, .format]) {
                [unowned self] args, at throws(Diagnostic) in
                try self.compileXLog(args, function: "xlog", at: at, withLine: false)
            },
            FunctionDeclaration(name: "xlogl", argumentCounts: 1...3, routeTypes: .any, argumentKinds: [.literal, .literal, .format]) {
                [unowned self] args, at throws(Diagnostic) in
                try self.compileXLog(args, function: "xlogl", at: at, withLine: true)
            },
            FunctionDeclaration(name: "xdbgl", argumentCounts: 1...1, routeTypes: .any) {
                [unowned self] args, at throws(Diagnostic) in
                try self.compileFixed(args[0], level: XLogLevel.dbg, at: at, withLine: true)
            },
            FunctionDeclaration(name: "xlogm", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.literal, .format]) {
                [unowned self] args, at throws(Diagnostic) in
                let level = try XLogLevel(args[0], function: "xlogm")
                let format = try args[1].formatString()
                return { ctx in
                    let filter = self.settings.methodsFilter
                    // A message without a method counts as any other method here.
                    let id = KamailioMethodID.of(ctx.message)
                    if filter == -1 || (id == 0 ? KamailioMethodID.other : id) & filter != 0 { return 1 }
                    return self.write(ctx, level: level, format: format, function: "xlogm", at: at, linePrefix: nil)
                }
            },
        ]
        let fixed: [(String, Int)] = [
            ("xdbg", XLogLevel.dbg), ("xinfo", XLogLevel.info), ("xnotice", XLogLevel.notice),
            ("xwarn", XLogLevel.warn), ("xerr", XLogLevel.err), ("xbug", XLogLevel.bug),
            ("xcrit", XLogLevel.crit2), ("xalert", XLogLevel.alert),
        ]
        for (function, level) in fixed {
            functions.append(FunctionDeclaration(name: function, argumentCounts: 1...1, routeTypes: .any) {
                [unowned self] args, at throws(Diagnostic) in
                try self.compileFixed(args[0], level: level, at: at, withLine: false)
            })
        }
        return ModuleDeclaration(
            name: name, parameters: XLogSettings.parameters, functions: functions,
            pseudoVariables: [colorPseudoVariable])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        try settings.apply(parameters, services: services)
        logsToStandardError = services.settings.logToStderr
    }

    // MARK: - Compiling calls

    /// xlog("fmt") logs at L_ERR; xlog(level, "fmt"); xlog(facility, level, "fmt").
    private func compileXLog(_ args: [ScriptArgument], function: String, at: SourceLocation, withLine: Bool) throws(Diagnostic) -> CompiledCall {
        let level: XLogLevel
        switch args.count {
        case 1:
            level = .fixed(XLogLevel.err)
        case 2:
            level = try XLogLevel(args[0], function: function)
        default:
            guard args[0].isConstant, let facility = args[0].literalText else {
                throw .error("\(function): the facility must be written as a constant", at: args[0].location)
            }
            guard SyslogFacility.isValid(facility) else {
                throw .error("\(function): invalid syslog facility '\(facility)'", at: args[0].location,
                             hint: "use LOG_LOCAL0 … LOG_LOCAL7, LOG_DAEMON, LOG_USER …")
            }
            level = try XLogLevel(args[1], function: function)
        }
        let format = try args[args.count - 1].formatString()
        let linePrefix = withLine ? lineText(at) : nil
        if case .fixed(let kamailioLevel) = level {
            return fixedLevelCall(format, level: kamailioLevel, at: at, linePrefix: linePrefix)
        }
        return { [unowned self] ctx in
            self.write(ctx, level: level, format: format, function: function, at: at, linePrefix: linePrefix)
        }
    }

    private func compileFixed(_ argument: ScriptArgument, level: Int, at: SourceLocation, withLine: Bool) throws(Diagnostic) -> CompiledCall {
        fixedLevelCall(try argument.formatString(), level: level, at: at, linePrefix: withLine ? lineText(at) : nil)
    }

    private func fixedLevelCall(_ format: FormatString, level: Int, at: SourceLocation,
                                linePrefix: (@Sendable (Bool) -> String)?) -> CompiledCall {
        let logLevel = ScriptLogLevel.level(level)
        return { [unowned self] ctx in
            // The level check comes first: a disabled xdbg expands nothing.
            guard ctx.worker.logger.logLevel <= logLevel else { return 1 }
            return self.emit(ctx, logLevel, format.evaluate(ctx), at: at, linePrefix: linePrefix)
        }
    }

    /// The `line:` (or, with long_format, `file:line:`) that xlogl puts before the text; the
    /// setting is read when the line is written, since modparams are applied after loading.
    private func lineText(_ at: SourceLocation) -> @Sendable (Bool) -> String {
        { longFormat in longFormat ? "\(at.file):\(at.line):" : "\(at.line):" }
    }

    // MARK: - Writing

    private func write(_ ctx: ScriptContext, level: XLogLevel, format: FormatString, function: String,
                       at: SourceLocation, linePrefix: (@Sendable (Bool) -> String)?) -> Int {
        guard let kamailioLevel = level.resolve(ctx) else {
            ctx.logFunctionError(function, "invalid log level value (the pseudo-variable must hold an integer)", at: at)
            return -1
        }
        let logLevel = ScriptLogLevel.level(kamailioLevel)
        guard ctx.worker.logger.logLevel <= logLevel else { return 1 }
        return emit(ctx, logLevel, format.evaluate(ctx), at: at, linePrefix: linePrefix)
    }

    private func emit(_ ctx: ScriptContext, _ level: Logger.Level, _ text: String, at: SourceLocation,
                      linePrefix: (@Sendable (Bool) -> String)?) -> Int {
        let settings = self.settings
        guard text.utf8.count < settings.bufferSize else {
            ctx.logFunctionError("xlog", "buffer overflow -- the message is longer than buf_size (\(settings.bufferSize))", at: at)
            return -1
        }
        var line = settings.prefix
        if let linePrefix { line += linePrefix(settings.longFormat) }
        line += ScriptLogLevel.lineText(text)
        ctx.worker.logger.log(level: level, Logger.Message(stringLiteral: line))
        return 1
    }

    // MARK: - $C

    private var colorPseudoVariable: PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: "C", innerName: .required) { [unowned self] binding throws(Diagnostic) in
            let colors = binding.inner ?? ""
            guard TerminalColor.isValid(colors) else {
                throw binding.error("invalid color name '\(colors)' in $C",
                                    hint: "two letters: foreground (x s r g y b p c w, upper case for bold) and background")
            }
            let escape = ScriptValue.string(TerminalColor.escape(colors))
            return PseudoVariableAccessors(get: { _ in
                self.logsToStandardError || self.settings.forceColor ? escape : .string("")
            })
        }
    }
}

