import TernScript

/// The destination set: append_branch([uri[, q]]) (corex in Kamailio 5.x, core before),
/// remove_branch([n]) and clear_branches().
extension CoreFunctions {
    /// Kamailio's `max_branches` default: the R-URI plus at most 11 appended branches.
    static let maxBranches = 12

    static var branchFunctions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "append_branch", argumentCounts: 0...2, routeTypes: [.request, .failure]) {
                args, at throws(Diagnostic) in
                let uriArgument = args.first
                let qArgument = args.count > 1 ? args[1] : nil
                var constantQ: Int?
                if let qArgument, let text = qArgument.constantString, !text.isEmpty {
                    do {
                        constantQ = try QValue.parse(text)
                    } catch {
                        throw .error("append_branch: bad q value '\(text)' (0 to 1, three decimals)", at: qArgument.location)
                    }
                }
                return { ctx in
                    var q = constantQ
                    if q == nil, let qArgument, let text = qArgument.evaluateString(ctx), !text.isEmpty {
                        do {
                            q = try QValue.parse(text)
                        } catch {
                            ctx.logFunctionError("append_branch", "cannot parse the q value '\(text)'", at: at)
                            return -1
                        }
                    }
                    return appendBranch(ctx, uri: uriArgument?.evaluateString(ctx) ?? "", q: q, at: at)
                }
            },
            FunctionDeclaration(name: "remove_branch", argumentCounts: 0...1, routeTypes: .allButOnSend, argumentKinds: [.integer]) {
                args, _ throws(Diagnostic) in
                var index = 0
                if let argument = args.first {
                    guard argument.isConstant, let value = argument.constantInt else {
                        throw .error("remove_branch takes a constant branch number", at: argument.location)
                    }
                    index = value
                }
                return { ctx in
                    // Kamailio: a negative index counts from the end; one out of range removes nothing.
                    var i = index
                    if i < 0 { i += ctx.branches.count }
                    if i >= 0, i < ctx.branches.count { ctx.branches.remove(at: i) }
                    return 1
                }
            },
            FunctionDeclaration(name: "clear_branches", argumentCounts: 0...0, routeTypes: .allButOnSend) { _, _ throws(Diagnostic) in
                { ctx in
                    ctx.branches.removeAll()
                    ctx.requestBranchFlags = 0
                    return 1
                }
            },
        ]
    }

    /// Adds a branch for `uri`, or for the current R-URI when `uri` is empty; the new branch
    /// takes the destination URI, the R-URI's branch flags and the forced socket. Moving the
    /// R-URI into a branch leaves those reset for the R-URI itself.
    static func appendBranch(_ ctx: ScriptContext, uri: String, q: Int?, at location: SourceLocation) -> Int {
        guard ctx.branches.count < maxBranches - 1 else {
            ctx.logFunctionError("append_branch", "max nr of branches exceeded (\(maxBranches))", at: location)
            return -1
        }
        let branchURI: String
        if uri.isEmpty {
            guard let current = ctx.currentRequestURI else {
                ctx.logFunctionError("append_branch", "no new uri and no R-URI to take", at: location)
                return -1
            }
            branchURI = current
        } else {
            branchURI = uri
        }
        ctx.branches.append(ScriptBranch(
            uri: branchURI, destinationURI: ctx.destinationURI, path: nil, q: q,
            flags: ctx.requestBranchFlags, socket: ctx.forcedSendSocket))
        if uri.isEmpty {
            ctx.forcedSendSocket = nil
            ctx.requestBranchFlags = 0
            ctx.destinationURI = nil
        }
        return 1
    }
}

extension ScriptContext {
    /// The R-URI as the script sees it now (rewritten or as received); nil for replies.
    public var currentRequestURI: String? {
        if let newRequestURI { return newRequestURI }
        guard message.kind != .response else { return nil }
        return message.string(message.requestURIRange)
    }
}
