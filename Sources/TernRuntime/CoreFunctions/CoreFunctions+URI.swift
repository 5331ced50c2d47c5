import SIPCore
import TernScript

/// seturi, sethost, sethostport, sethostporttrans, setuser, setuserpass, setport (with their
/// rewrite*/short aliases), prefix, strip, strip_tail, userphone and revert_uri. They work on
/// the current R-URI (`$ru`), take their argument as written (no pseudo-variables), and return
/// -1 with one error line when the R-URI cannot be parsed.
extension CoreFunctions {
    static var uriFunctions: [FunctionDeclaration] {
        var out: [FunctionDeclaration] = []
        for name in ["seturi", "rewriteuri"] {
            out.append(literal(name, dynamicForm: "$ru = ...") { uri, _ in
                { ctx in
                    ctx.newRequestURI = uri
                    return 1
                }
            })
        }
        out += rewrites(["sethost", "rewritehost", "seth"], dynamicForm: "$rd = ...") { .setHost($0) }
        out += rewrites(["sethostport", "rewritehostport", "sethp"]) { .setHostPort($0) }
        out += rewrites(["sethostporttrans", "rewritehostporttrans", "sethpt"]) { .setHostPortTransport($0) }
        out += rewrites(["setuser", "rewriteuser", "setu"], dynamicForm: "$rU = ...") { .setUser($0) }
        out += rewrites(["setuserpass", "rewriteuserpass", "setup"]) { .setUserPassword($0) }
        out += rewrites(["setport", "rewriteport", "setp"], dynamicForm: "$rp = ...") { .setPort($0) }
        out += rewrites(["prefix"]) { .prefix($0) }
        out.append(counted("strip") { .strip($0) })
        out.append(counted("strip_tail") { .stripTail($0) })
        out.append(FunctionDeclaration(name: "userphone", argumentCounts: 0...0, routeTypes: .allButOnSend) { _, at throws(Diagnostic) in
            { ctx in rewriteRequestURI(ctx, .userPhone, function: "userphone", at: at) }
        })
        out.append(FunctionDeclaration(name: "revert_uri", argumentCounts: 0...0, routeTypes: .allButOnSend) { _, _ throws(Diagnostic) in
            { ctx in
                ctx.newRequestURI = nil
                return 1
            }
        })
        return out
    }

    /// A function of one constant string argument.
    private static func literal(
        _ name: String, dynamicForm: String? = nil,
        _ make: @escaping @Sendable (String, SourceLocation) -> CompiledCall
    ) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 1...1, routeTypes: .allButOnSend, argumentKinds: [.literal]) {
            args, at throws(Diagnostic) in
            make(try LiteralArgument.text(args[0], function: name, dynamicForm: dynamicForm), at)
        }
    }

    private static func rewrites(
        _ names: [String], dynamicForm: String? = nil,
        _ operation: @escaping @Sendable (String) -> RequestURIRewrite.Operation
    ) -> [FunctionDeclaration] {
        names.map { name in
            literal(name, dynamicForm: dynamicForm) { text, at in
                let op = operation(text)
                return { ctx in rewriteRequestURI(ctx, op, function: name, at: at) }
            }
        }
    }

    private static func counted(
        _ name: String, _ operation: @escaping @Sendable (Int) -> RequestURIRewrite.Operation
    ) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 1...1, routeTypes: .allButOnSend, argumentKinds: [.integer]) {
            args, at throws(Diagnostic) in
            let op = operation(try LiteralArgument.count(args[0], function: name))
            return { ctx in rewriteRequestURI(ctx, op, function: name, at: at) }
        }
    }

    static func rewriteRequestURI(_ ctx: ScriptContext, _ operation: RequestURIRewrite.Operation,
                                  function: String, at location: SourceLocation) -> Int {
        let bytes: [UInt8]
        if let text = ctx.newRequestURI {
            bytes = Array(text.utf8)
        } else {
            let message = ctx.message
            guard message.kind != .response else {
                ctx.logFunctionError(function, "a reply has no R-URI", at: location)
                return -1
            }
            bytes = Array(message.slice(message.requestURIRange))
        }
        guard let uri = try? SIPURI.parse(bytes, 0 ..< bytes.count), uri.scheme != .other else {
            ctx.logFunctionError(function, "bad R-URI <\(String(decoding: bytes, as: UTF8.self))>", at: location)
            return -1
        }
        do {
            let result = try RequestURIRewrite.apply(operation, to: bytes, uri)
            if let warning = result.warning { ctx.logFunctionWarning(function, warning, at: location) }
            ctx.newRequestURI = result.uri
            return 1
        } catch {
            ctx.logFunctionError(function, "the port of a tel: URI cannot be set", at: location)
            return -1
        }
    }
}
