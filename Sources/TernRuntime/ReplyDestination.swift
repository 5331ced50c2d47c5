import SIPCore

/// Where a local reply to a request goes (RFC 3261 §18.2.2, RFC 3581): back on the stream
/// it came in on; for UDP to the source address, at the source port when the top Via asks
/// for rport (or the script called `force_rport()`), else at the Via's sent-by port.
public enum ReplyDestination {
    public static func channel(for request: SIPMessage, _ receive: ReceiveInfo, forceRport: Bool = false) -> ReplyChannel {
        guard receive.proto == .udp, !forceRport,
              let via = try? request.topVia(), via.rport == .absent
        else { return receive.reply }
        let port = via.port ?? 5060
        guard port != receive.source.port else { return receive.reply }
        return receive.reply.replacingPort(port) ?? receive.reply
    }
}
