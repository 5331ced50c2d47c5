import SIPCore
import TernRuntime
import TernScript

/// Sends 401/407 with a fresh challenge, and works out the realm the way Kamailio does when the
/// config passes an empty one: the To host for REGISTER, the From host otherwise.
enum DigestChallengeReply {
    static func realm(_ given: String?, _ ctx: ScriptContext) -> String {
        if let given, !given.isEmpty { return given }
        let m = ctx.message
        let header = m.methodIs(.register) ? (try? m.to()) : (try? m.from())
        guard let uri = header?.uri else { return "" }
        return m.string(uri.host)
    }

    /// The qop a challenge offers: flags 1 (auth) / 2 (auth-int), else the `qop` param.
    static func qop(flags: Int, default param: DigestQOP?) -> DigestQOP? {
        if flags & 1 != 0 { return .auth }
        if flags & 2 != 0 { return .authInt }
        return param
    }

    /// Sends the challenge reply — through the transaction when tm has one for the request (as
    /// Kamailio's auth does), else statelessly; false when it could not be sent (a reply, an ACK).
    static func send(_ ctx: ScriptContext, kind: DigestAuthenticator.HeaderKind, headerLine: [UInt8],
                     transactions: (any TransactionService)?, services: RuntimeServices) -> Bool {
        let saved = ctx.replyHeaders
        if saved.isEmpty { ctx.replyHeaders = headerLine } else { ctx.replyHeaders += headerLine }
        defer { ctx.replyHeaders = saved }
        let (code, reason) = kind == .www ? (401, "Unauthorized") : (407, "Proxy Authentication Required")
        if let tm = transactions, let result = tm.replyIfStateful(ctx, code: code, reason: reason) {
            return result > 0
        }
        return StatelessReply.send(ctx, code: code, reason: reason, services: services)
    }

    /// Kamailio answers unusable credentials with 400 before returning an error.
    static func sendBadCredentials(_ ctx: ScriptContext, services: RuntimeServices?) {
        guard let services, ctx.message.kind == .request else { return }
        StatelessReply.send(ctx, code: 400, reason: "Bad Credentials", services: services)
    }
}
