import SIPCore
import TernRuntime
import TernScript

/// sl — stateless replies (RFC 3261 §8.2.6): a reply built from the request and sent back
/// where it came from, keeping no state. A retransmitted request gets the same To-tag.
final class SLModule: TernModule, @unchecked Sendable {
    let name = "sl"
    private var services: RuntimeServices? {
        didSet { unretainedServices = services.map { Unmanaged.passUnretained($0) } }
    }
    /// `services`, read per reply without retaining it: the services and this module live
    /// as long as the server, and a retain from every worker would bounce its cache line.
    @exclusivity(unchecked) private var unretainedServices: Unmanaged<RuntimeServices>?
    private var statistics: SLStatistics? {
        didSet { unretainedStatistics = statistics.map { Unmanaged.passUnretained($0) } }
    }
    @exclusivity(unchecked) private var unretainedStatistics: Unmanaged<SLStatistics>?
    private var defaultCode = 500
    private var defaultReason = "Internal Server Error"

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: [
                ParameterDeclaration(name: "default_code", type: .int, repeatable: false),
                ParameterDeclaration(name: "default_reason", type: .string, repeatable: false),
                ParameterDeclaration(name: "bind_tm", type: .int, repeatable: false),
                ParameterDeclaration(name: "rich_redirect", type: .int, repeatable: false),
            ],
            functions: [
                replyFunction(named: "sl_send_reply"),
                replyFunction(named: "sl_reply"),
                // send_reply answers through tm when the request has a transaction.
                replyFunction(named: "send_reply", statefulIfPossible: true),
                FunctionDeclaration(name: "sl_reply_error", argumentCounts: 0...0, routeTypes: [.request, .event]) {
                    [unowned self] _, _ throws(Diagnostic) in
                    let module = Unmanaged.passUnretained(self)
                    return { context in module._withUnsafeGuaranteedRef { $0.replyError(context) } }
                },
            ],
            pseudoVariables: []
        )
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        statistics = SLStatistics(services.statistics)
        for parameter in parameters {
            switch (parameter.parameter, parameter.value) {
            case ("default_code", .int(let code)):
                guard SLReplyCode.isValid(code) else {
                    throw ConfigurationError("sl default_code \(code) is not a final reply code (300–699)", at: parameter.location)
                }
                defaultCode = code
            case ("default_reason", .string(let reason)): defaultReason = reason
            default: break
            }
        }
    }

    private func replyFunction(named name: String, statefulIfPossible: Bool = false) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 2...2, routeTypes: [.request, .event]) {
            [unowned self] arguments, at throws(Diagnostic) in
            let code = try SLReplyCode(arguments[0], function: name)
            let reason = arguments[1]
            let staticReason = reason.constantString
            // The compiled script runs this on every worker: the module is reached without
            // retaining it (it outlives every script compiled against it).
            let module = Unmanaged.passUnretained(self)
            return { context in
                module._withUnsafeGuaranteedRef { module in
                    guard let value = code.resolve(context) else {
                        module.services?.logger.error("\(name): reply code is not a number between 100 and 699 (\(at))")
                        return -1
                    }
                    if let staticReason {
                        return module.reply(context, code: value, reason: staticReason, statefulIfPossible: statefulIfPossible)
                    }
                    return module.reply(context, code: value, reason: reason.evaluateString(context) ?? "",
                                        statefulIfPossible: statefulIfPossible)
                }
            }
        }
    }

    func reply(_ context: ScriptContext, code: Int, reason: String, statefulIfPossible: Bool = false) -> Int {
        guard let unretainedServices else { return -1 }
        return unretainedServices._withUnsafeGuaranteedRef { services in
            reply(context, code: code, reason: reason, statefulIfPossible: statefulIfPossible, services: services)
        }
    }

    private func reply(
        _ context: ScriptContext, code: Int, reason: String, statefulIfPossible: Bool, services: RuntimeServices
    ) -> Int {
        if statefulIfPossible, let tm = TransactionAPI.service(for: services),
           let result = tm.replyIfStateful(context, code: code, reason: reason) {
            return result
        }
        guard StatelessReply.send(context, code: code, reason: reason, services: services) else {
            // Replies and ACKs are never answered (RFC 3261 §17); Kamailio's sl counts the ACKs.
            if context.message.methodIs(.ack) {
                unretainedStatistics?._withUnsafeGuaranteedRef { $0.receivedACKs.increment() }
            }
            return -1
        }
        unretainedStatistics?._withUnsafeGuaranteedRef { $0.countReply(code) }
        return 1
    }

    private func replyError(_ context: ScriptContext) -> Int {
        let (code, reason) = context[InternalError.key].map { ($0.code, $0.reason) } ?? (defaultCode, defaultReason)
        return reply(context, code: code, reason: reason, statefulIfPossible: true)
    }
}

/// The reply code argument, checked once when the script is compiled when it is constant.
struct SLReplyCode {
    private let constant: Int?
    private let argument: ScriptArgument

    static func isValid(_ code: Int) -> Bool { (100...699).contains(code) }

    init(_ argument: ScriptArgument, function: String) throws(Diagnostic) {
        self.argument = argument
        if let value = argument.constantInt ?? argument.constantString.flatMap({ Int($0) }) {
            guard Self.isValid(value) else {
                throw Diagnostic(at: argument.location, "\(function): reply code \(value) is outside 100–699")
            }
            constant = value
        } else if let text = argument.constantString {
            throw Diagnostic(at: argument.location, "\(function): reply code '\(text)' is not a number")
        } else {
            constant = nil
        }
    }

    func resolve(_ context: ScriptContext) -> Int? {
        if let constant { return constant }
        guard let value = argument.evaluateInt(context), Self.isValid(value) else { return nil }
        return value
    }
}
