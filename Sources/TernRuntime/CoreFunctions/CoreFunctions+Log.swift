import Logging
import TernScript

/// log([level,] "text") and the obsolete error("a", "b"). log takes its text as written (no
/// pseudo-variables); without a level it logs at Kamailio's L_DBG+1, below every `debug=`
/// setting but the most verbose (checked against Kamailio 5.6.3: `log("x")` is silent at
/// debug=3, `log(1, "x")` prints a NOTICE line).
extension CoreFunctions {
    /// The script log prefix Kamailio prints for log() and xlog().
    public static let scriptLogPrefix = "<script>: "

    static var logFunctions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "log", argumentCounts: 1...2, routeTypes: .any, argumentKinds: [.literal, .literal]) {
                args, _ throws(Diagnostic) in
                var kamailioLevel = 4
                if args.count == 2 {
                    guard args[0].isConstant, let value = args[0].constantInt else {
                        throw .error("log: the level must be a number (-5 alert … 3 debug)", at: args[0].location)
                    }
                    kamailioLevel = value
                }
                let text = try LiteralArgument.text(args[args.count - 1], function: "log")
                let level = ScriptLogLevel.level(kamailioLevel)
                let message = Logger.Message(stringLiteral: scriptLogPrefix + ScriptLogLevel.lineText(text))
                return { ctx in
                    ctx.worker.logger.log(level: level, message)
                    return 1
                }
            },
            FunctionDeclaration(name: "error", argumentCounts: 2...2, routeTypes: .allButOnSend, argumentKinds: [.literal, .literal]) {
                args, _ throws(Diagnostic) in
                let first = try LiteralArgument.text(args[0], function: "error")
                let second = try LiteralArgument.text(args[1], function: "error")
                let message = Logger.Message(stringLiteral: "error(\"\(first)\", \"\(second)\") not implemented yet")
                return { ctx in
                    ctx.worker.logger.notice(message)
                    return 1
                }
            },
        ]
    }
}
