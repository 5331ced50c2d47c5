import TernTestSupport

/// Configs for the tm tests: `{PORT}` is Tern's port, `{UAS1}`/`{UAS2}` the SIPp callees'.
enum StatefulProxyConfigs {
    /// record_route/loose_route proxy as the bench's proxy-stateful.cfg, forwarding new calls
    /// to `{UAS1}`, or with `fork` in parallel to `{UAS1}` and `{UAS2}`. With `serial`,
    /// failure_route sends a call refused with 486 on to `{UAS2}` (taken from an AVP the
    /// request route set: AVPs live with the transaction), and answers a branch that rang
    /// until it timed out with its own `408 Rang Too Long`. Forked calls arm onreply_route,
    /// which marks each 200 with `X-Seen-By: onreply`.
    static func proxy(fork: Bool = false, serial: Bool = false, extraModparams: String = "") -> String {
        let target = fork
            ? "$ru = \"sip:callee@127.0.0.1:{UAS1}\";\n\tappend_branch(\"sip:callee@127.0.0.1:{UAS2}\");"
            : "$du = \"sip:127.0.0.1:{UAS1}\";"
        return TestConfigHead.udp(loading: ["tm", "tmx", "sl", "rr", "pv", "textops"]) + """
            \(extraModparams)
            request_route {
            \tif (method=="OPTIONS" && uri==myself) {
            \t\tsl_send_reply("200", "OK");
            \t\texit;
            \t}
            \tif (method=="CANCEL") {
            \t\tif (t_check_trans()) {
            \t\t\tt_relay();
            \t\t}
            \t\texit;
            \t}
            \tif ($tt != $null) {
            \t\tif (loose_route()) {
            \t\t\tt_relay();
            \t\t\texit;
            \t\t}
            \t\tif (method=="ACK") {
            \t\t\tif (t_check_trans()) {
            \t\t\t\tt_relay();
            \t\t\t}
            \t\t\texit;
            \t\t}
            \t\tsl_send_reply("404", "Not here");
            \t\texit;
            \t}
            \tif (method=="INVITE") {
            \t\trecord_route();
            \t}
            \t\(target)
            \t\(fork ? "t_on_reply(\"seen\");" : "")
            \t\(serial ? "t_on_failure(\"next\");\n\t$avp(next) = \"sip:127.0.0.1:{UAS2}\";" : "")
            \tif (!t_relay()) {
            \t\tsl_reply_error();
            \t}
            \texit;
            }

            onreply_route[seen] {
            \tif ($rs == 200) {
            \t\tappend_hf("X-Seen-By: onreply\r\n");
            \t}
            }

            failure_route[next] {
            \tif (t_branch_timeout()) {
            \t\tif (t_branch_replied()) {
            \t\t\tt_reply("408", "Rang Too Long");
            \t\t}
            \t\texit;
            \t}
            \tif (t_is_canceled()) {
            \t\texit;
            \t}
            \tif (t_check_status("486") && $T_reply_code == 486) {
            \t\t$du = $avp(next);
            \t\tt_relay();
            \t}
            }

            """
    }

    static func fill(_ config: String, uas1: UInt16, uas2: UInt16? = nil) -> String {
        var text = config.replacingOccurrences(of: "{UAS1}", with: String(uas1))
        if let uas2 { text = text.replacingOccurrences(of: "{UAS2}", with: String(uas2)) }
        return text
    }
}

extension SIPRequestBuilder {
    /// The ACK for a final reply to this INVITE (sent with CSeq 1): no body, the reply's To.
    func ack(to toWithTag: String) -> SIPRequestBuilder {
        var ack = self
        ack.method = "ACK"
        ack.body = []
        ack.remove("Content-Type")
        ack.remove("Contact")
        ack.set("CSeq", "1 ACK")
        ack.set("To", toWithTag)
        return ack
    }
}
