import SIPCore
import SIPTransport

/// Where a local reply to a request goes (RFC 3261 §18.2.2, RFC 3581): back on the stream
/// it came in on; for UDP to the source address, at the source port when the top Via asks
/// for rport (or the script called `force_rport()`), else at the Via's sent-by port.
public enum ReplyDestination {
    /// `noConnect` (`set_reply_no_connect()`): a stream reply whose connection is gone is lost
    /// rather than sent on a new connection.
    public static func channel(for request: SIPMessage, _ receive: ReceiveInfo, forceRport: Bool = false,
                               noConnect: Bool = false) -> ReplyChannel {
        if receive.proto.isStream {
            if noConnect { return receive.reply }
            // §18.2.2: when the connection is gone, a new one to the source address at the
            // Via's sent-by port.
            let port = (try? request.topVia())?.port ?? (receive.proto == .tls ? 5061 : 5060)
            return SendPath.replyChannel(receive.reply, reconnectingTo: SocketAddressText(
                ip: receive.source.ip, port: port, isIPv6: receive.source.isIPv6))
        }
        guard receive.proto == .udp, !forceRport,
              let via = try? request.topVia(), via.rport == .absent
        else { return receive.reply }
        let port = via.port ?? 5060
        guard port != receive.source.port else { return receive.reply }
        return receive.reply.replacingPort(port) ?? receive.reply
    }
}
