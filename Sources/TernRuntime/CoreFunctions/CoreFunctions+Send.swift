import TernScript

/// How replies and forwarded requests leave: force_rport (add_rport), add_local_rport,
/// set_reply_close, set_reply_no_connect, set_forward_close, set_forward_no_connect and
/// force_send_socket. They only record the choice on the message's context (`sendOptions`,
/// `forcedSendSocket`); the reply and forwarding code acts on it.
extension CoreFunctions {
    static var sendFunctions: [FunctionDeclaration] {
        var out: [FunctionDeclaration] = []
        for name in ["force_rport", "add_rport"] {
            out.append(option(name, .forceRport, routeTypes: .allButOnSend))
        }
        out.append(option("add_local_rport", .addLocalRport, routeTypes: .allButOnSend))
        // Kamailio admits these four in onsend_route too.
        out.append(option("set_reply_close", .closeAfterReply, routeTypes: .any))
        out.append(option("set_reply_no_connect", .replyNoConnect, routeTypes: .any))
        out.append(option("set_forward_close", .closeAfterForward, routeTypes: .any))
        out.append(option("set_forward_no_connect", .forwardNoConnect, routeTypes: .any))
        out.append(FunctionDeclaration(name: "force_send_socket", argumentCounts: 1...1, routeTypes: .allButOnSend,
                                       argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
            let text = try LiteralArgument.text(args[0], function: "force_send_socket")
            guard let socket = ForcedSendSocket(parsing: text) else {
                throw .error("force_send_socket: bad argument '\(text)', [proto:]host[:port] expected", at: args[0].location)
            }
            let socketText = socket.description
            return { ctx in
                ctx.forcedSendSocket = socketText
                return 1
            }
        })
        return out
    }

    private static func option(_ name: String, _ option: SendOptions, routeTypes: RouteTypes) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 0...0, routeTypes: routeTypes) { _, _ throws(Diagnostic) in
            { ctx in
                ctx.sendOptions.insert(option)
                return 1
            }
        }
    }
}
