import SIPCore
import TernRuntime
import TernScript

/// tm/tmx pseudo-variables: $T_reply_code, $T_reply_reason, $T_branch_idx, $T_rpl(pv),
/// $T_req(pv).
extension TMModule {
    var pseudoVariableDeclarations: [PseudoVariableDeclaration] {
        [
            PseudoVariableDeclaration(name: "T_reply_code") { [unowned self] context in
                .int(self.currentStatus(context) ?? 0)
            },
            PseudoVariableDeclaration(name: "T_reply_reason") { [unowned self] context in
                if context.message.kind == .response { return .string(context.message.string(context.message.reasonRange)) }
                guard let reply = self.engine?.state(context)?.reply else { return .null }
                return .string(reply.string(reply.reasonRange))
            },
            PseudoVariableDeclaration(name: "T_branch_idx") { [unowned self] context in
                guard let state = self.engine?.state(context) else { return .int(0) }
                // In failure_route Kamailio 5.6.3 gives the index the next branch would take
                // (the number of branches so far), not the failed branch's.
                if context.routeType == .failure {
                    let t = state.transaction
                    return .int(t.replyLock.withLock { t.branches.count })
                }
                return .int(state.branch ?? 0)
            },
            PseudoVariableDeclaration(name: "T_rpl", innerName: .required) { [unowned self] binding throws(Diagnostic) in
                let inner = try binding.bindPseudoVariable(binding.inner ?? "")
                return PseudoVariableAccessors(get: { context in
                    let reply: SIPMessage? = context.message.kind == .response ? context.message : self.engine?.state(context)?.reply
                    guard let reply else { return .null }
                    let view = ScriptContext(message: reply, receive: context.receive, worker: context.worker, routeType: context.routeType)
                    return inner.get(view)
                })
            },
            PseudoVariableDeclaration(name: "T_req", innerName: .required) { [unowned self] binding throws(Diagnostic) in
                let inner = try binding.bindPseudoVariable(binding.inner ?? "")
                return PseudoVariableAccessors(get: { context in
                    guard let t = self.engine?.transaction(of: context) else { return .null }
                    let view = ScriptContext(message: t.request, receive: t.receive, worker: context.worker, routeType: .request)
                    return inner.get(view)
                })
            },
        ]
    }
}
