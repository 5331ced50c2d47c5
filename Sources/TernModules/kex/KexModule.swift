import TernRuntime
import TernScript

/// kex — Kamailio's core extensions: the script and branch flag functions (KexFlags),
/// setdsturi / resetdsturi / isdsturiset, pv_printf / avp_printf, setdebug / resetdebug, and
/// the core statistics: loading kex registers every name of Kamailio's `core` group (the
/// router updates them) and `$stat(name)` reads them, the memory figures included.
final class KexModule: TernModule, @unchecked Sendable {
    let name = "kex"
    private var services: RuntimeServices?
    private var coreStatistics: KamailioCoreStatistics?

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            functions: KexFlags.functions + destinationFunctions + printFunctions + debugFunctions,
            pseudoVariables: [StatisticPseudoVariable.declaration { [unowned self] in self.services?.statistics }])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        coreStatistics = KamailioCoreStatistics(services.statistics)
    }

    // MARK: - $du

    private var destinationFunctions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "setdsturi", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let uri = args[0]
                return { ctx in
                    ctx.destinationURI = uri.evaluateString(ctx) ?? ""
                    return 1
                }
            },
            FunctionDeclaration(name: "resetdsturi", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { ctx in
                    ctx.destinationURI = nil
                    return 1
                }
            },
            FunctionDeclaration(name: "isdsturiset", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { ctx in (ctx.destinationURI?.isEmpty ?? true) ? -1 : 1 }
            },
        ]
    }

    // MARK: - pv_printf

    /// pv_printf("$var(x)", "format") (and its older name avp_printf): the expanded format,
    /// stored as a string in a writable pseudo-variable.
    private var printFunctions: [FunctionDeclaration] {
        ["pv_printf", "avp_printf"].map { function in
            FunctionDeclaration(name: function, argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.pseudoVariable, .format]) {
                args, _ throws(Diagnostic) in
                let target = try args[0].pseudoVariable(writable: true)
                let format = try args[1].formatString()
                return { ctx in
                    target.set(ctx, .string(format.evaluate(ctx)))
                    return 1
                }
            }
        }
    }

    // MARK: - setdebug

    /// setdebug(level) changes the log level of this worker until resetdebug() puts back the
    /// configured `debug=`; the change outlives the message, as in a Kamailio process.
    private var debugFunctions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "setdebug", argumentCounts: 1...1, routeTypes: .any) { args, at throws(Diagnostic) in
                let level = try IntegerArgument(args[0], function: "setdebug", what: "debug level")
                return { ctx in
                    guard let value = level.value(ctx) else {
                        ctx.logFunctionError("setdebug", "no debug level value", at: at)
                        return -1
                    }
                    ctx.worker.logger.logLevel = ScriptLogLevel.level(value)
                    return 1
                }
            },
            FunctionDeclaration(name: "resetdebug", argumentCounts: 0...0, routeTypes: .any) { [unowned self] _, _ throws(Diagnostic) in
                { ctx in
                    ctx.worker.logger.logLevel = ScriptLogLevel.level(self.services?.settings.debugLevel ?? 0)
                    return 1
                }
            },
        ]
    }
}
