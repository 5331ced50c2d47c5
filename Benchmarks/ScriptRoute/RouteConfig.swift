// The routing script the ScriptRoute benchmark runs on every message: 40 statements, of which a
// request takes a path that reads 15 pseudo-variables, makes 5 string comparisons and 2 regex
// matches and calls xlog at a level the logger does not print (so it must not format).

enum RouteConfig {
    /// Statement numbers (S1…S40) and what each executed one reads are marked in the comments;
    /// `(not taken)` statements are compiled but skipped for the sample INVITE.
    static let text = #"""
        #!KAMAILIO
        loadmodule "xlog"

        request_route {
            $var(kind) = "call";                                   # S1
            if ($rm == "OPTIONS") {                                # S2  read 1 $rm, string comparison 1
                $var(kind) = "keepalive";                          # S3  (not taken)
                exit;                                              # S4  (not taken)
            }
            if ($ua =~ "friendly-scanner|sipcli|sipvicious") {     # S5  read 2 $ua, regex 1
                drop;                                              # S6  (not taken)
            }
            if ($rU == $null) {                                    # S7  read 3 $rU
                $var(reason) = "no user";                          # S8  (not taken)
                exit;                                              # S9  (not taken)
            }
            $var(caller) = $fU;                                    # S10 read 4 $fU
            $var(callee) = $rU;                                    # S11 read 5 $rU
            if ($fd == "atlanta.example.com") {                    # S12 read 6 $fd, string comparison 2
                $var(local) = 1;                                   # S13
            } else {
                $var(local) = 0;                                   # S14 (not taken)
            }
            if ($rd =~ "^(example\.com|example\.org)$") {          # S15 read 7 $rd, regex 2
                $var(ours) = 1;                                    # S16
            } else {
                $var(ours) = 0;                                    # S17 (not taken)
            }
            if ($si == "192.0.2.10") {                             # S18 read 8 $si, string comparison 3
                $var(trusted) = 1;                                 # S19
            } else {
                $var(trusted) = 0;                                 # S20 (not taken)
            }
            if ($pr == "udp") {                                    # S21 read 9 $pr, string comparison 4
                $var(stream) = 0;                                  # S22
            } else {
                $var(stream) = 1;                                  # S23 (not taken)
            }
            if ($sp < 1024) {                                      # S24 read 10 $sp
                $var(privileged) = 1;                              # S25 (not taken)
            }
            if ($tt != $null) {                                    # S26 read 11 $tt
                $var(indialog) = 1;                                # S27 (not taken)
                return;                                            # S28 (not taken)
            }
            if ($hdr(Max-Forwards) == "0") {                       # S29 read 12 $hdr, string comparison 5
                $var(reason) = "too many hops";                    # S30 (not taken)
                exit;                                              # S31 (not taken)
            }
            xlog("L_DBG", "call from $fU@$fd to $ru ($ci) via $si:$sp\n");   # S32 disabled level
            if ($var(local) == 1 && $var(ours) == 1) {             # S33 reads 13, 14 $var(local), $var(ours)
                $var(route) = "internal";                          # S34
            } else {
                $var(route) = "external";                          # S35 (not taken)
            }
            if ($cs > 0) {                                         # S36 read 15 $cs
                $var(sequenced) = 1;                               # S37
            }
            $var(kind) = "routed";                                 # S38
            $var(done) = 1;                                        # S39
            return 1;                                              # S40
        }
        """#

    /// A request as a phone sends it; the route takes its full path on it (no early exit).
    static let invite: [UInt8] = Array([
        "INVITE sip:bob@example.com SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;rport",
        "Max-Forwards: 70",
        "To: <sip:bob@example.com>",
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 INVITE",
        "Contact: <sip:alice@192.0.2.10:5062>",
        "User-Agent: Tern-Bench-Phone/1.0",
        "Content-Length: 0",
        "",
        "",
    ].joined(separator: "\r\n").utf8)
}
