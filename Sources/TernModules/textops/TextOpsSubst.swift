// textops sed-like substitutions: subst (headers and body), subst_body, subst_hf, and
// subst_uri / subst_user, which rewrite the R-URI instead of editing the message bytes.
import SIPCore
import TernScript

enum TextOpsSubst {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "subst", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let expression = try compile(args[0], "subst")
                return { ctx in
                    let m = ctx.message
                    return substitute(ctx, expression, m.firstHeaderOffset ..< m.bodyRange.upperBound)
                }
            },
            FunctionDeclaration(name: "subst_body", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let expression = try compile(args[0], "subst_body")
                return { ctx in
                    let body = ctx.message.bodyRange
                    guard !body.isEmpty else { return -1 }
                    return substitute(ctx, expression, body)
                }
            },
            FunctionDeclaration(name: "subst_hf", argumentCounts: 3...3, routeTypes: .any, argumentKinds: [.literal, .literal, .literal]) { args, _ throws(Diagnostic) in
                let header = try TextOpsArguments.headerName(args[0], "subst_hf")
                let expression = try compile(args[1], "subst_hf")
                let which = HeaderOccurrence(args[2].literalText ?? "")
                return { ctx in substituteHeader(ctx, header, expression, which) }
            },
            FunctionDeclaration(name: "subst_uri", argumentCounts: 1...1, routeTypes: TextOpsRoutes.requestReplyFailureBranch, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let expression = try compile(args[0], "subst_uri")
                return { ctx in
                    guard let current = RequestURIText(ctx) else { return -1 }
                    guard let result = expression.apply(to: current.bytes, requestURI: { current.bytes }) else { return -1 }
                    ctx.newRequestURI = String(decoding: result, as: UTF8.self)
                    return 1
                }
            },
            FunctionDeclaration(name: "subst_user", argumentCounts: 1...1, routeTypes: TextOpsRoutes.requestReplyFailureBranch, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let expression = try compile(args[0], "subst_user")
                return { ctx in
                    guard let current = RequestURIText(ctx), let uri = current.uri else { return -1 }
                    let user = uri.user.map { Array(current.bytes[$0]) } ?? []
                    guard let newUser = expression.apply(to: user, requestURI: { current.bytes }),
                          let rewritten = current.replacingUser(with: newUser)
                    else { return -1 }
                    ctx.newRequestURI = String(decoding: rewritten, as: UTF8.self)
                    return 1
                }
            },
        ]
    }

    static func compile(_ argument: ScriptArgument, _ function: String) throws(Diagnostic) -> SubstExpression {
        guard let text = argument.literalText else {
            throw .error("\(function): the substitution must be a constant string", at: argument.location)
        }
        do {
            return try SubstExpression(text)
        } catch {
            throw .error("\(function): bad substitution '\(text)': \(error.message)", at: argument.location)
        }
    }

    private static func requestURIBytes(_ ctx: ScriptContext) -> [UInt8] {
        RequestURIText(ctx)?.bytes ?? []
    }

    /// Runs the expression over `range` and records its replacements: 1 when something was
    /// replaced, -1 when nothing matched or the regex matched an empty string.
    static func substitute(_ ctx: ScriptContext, _ expression: SubstExpression, _ range: Range<Int>) -> Int {
        guard let replacements = expression.run(ctx.message.bytes, range, requestURI: { requestURIBytes(ctx) }),
              !replacements.isEmpty
        else { return -1 }
        for r in replacements { ctx.edits.replace(r.range, with: r.bytes) }
        return 1
    }

    /// subst_hf: in every header of that name ('a'), only the first ('f') or only the last ('l').
    static func substituteHeader(_ ctx: ScriptContext, _ header: HeaderNameMatcher, _ expression: SubstExpression, _ which: HeaderOccurrence) -> Int {
        let message = ctx.message
        var result = -1
        var last: SIPHeaderField?
        for field in message.headers where header.matches(field, in: message.bytes) {
            if which == .last {
                last = field
                continue
            }
            if substitute(ctx, expression, field.valueRange) > 0 { result = 1 }
            if which == .first { return result }
        }
        if let last, substitute(ctx, expression, last.valueRange) > 0 { result = 1 }
        return result
    }
}
