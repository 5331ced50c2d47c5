// siputils options_reply(): a stateless 200 to an OPTIONS addressed to the server itself (no
// user in the R-URI), advertising Accept, Accept-Encoding, Accept-Language and Supported.
import SIPCore
import TernScript

/// The values options_reply advertises (modparams options_accept, …); Kamailio's defaults.
struct OptionsReplyHeaders: Sendable {
    var accept = "*/*"
    var acceptEncoding = ""
    var acceptLanguage = "en"
    var supported = ""

    var lines: [UInt8] {
        Array("Accept: \(accept)\r\nAccept-Encoding: \(acceptEncoding)\r\nAccept-Language: \(acceptLanguage)\r\nSupported: \(supported)\r\n".utf8)
    }
}

extension SIPUtilsModule {
    var optionsReplyFunction: FunctionDeclaration {
        FunctionDeclaration(name: "options_reply", argumentCounts: 0...0, routeTypes: .request) { [unowned self] _, _ throws(Diagnostic) in
            { ctx in self.optionsReply(ctx) }
        }
    }

    func optionsReply(_ ctx: ScriptContext) -> Int {
        guard ctx.message.kind == .request, ctx.message.methodIs(.options) else {
            ctx.worker.logger.error("options_reply: called for a message that is not an OPTIONS request")
            return -1
        }
        guard let target = RequestURIText(ctx), let uri = target.uri else {
            ctx.worker.logger.error("options_reply: the R-URI does not parse")
            return -1
        }
        if let user = uri.user, !user.isEmpty {
            ctx.worker.logger.error("options_reply: the R-URI has a user part; OPTIONS is for a user agent")
            return -1
        }
        guard let services else { return -1 }
        // Kamailio adds them as reply headers of the request: a later local reply carries them too.
        ctx.replyHeaders += options.lines
        return StatelessReply.send(ctx, code: 200, reason: "OK", services: services) ? 1 : -1
    }
}
