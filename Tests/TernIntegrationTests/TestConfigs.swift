/// Config texts the integration tests run; `{PORT}` becomes the test's free port.
enum TestConfigs {
    /// Answers 200 to every request (ACK excepted), on UDP and TCP.
    static let stateless = statelessConfig(extraGlobals: "")

    /// The same, accepting TCP messages without Content-Length.
    static let statelessAcceptingNoContentLength = statelessConfig(extraGlobals: "tcp_accept_no_cl=yes\n")

    static func statelessConfig(extraGlobals: String) -> String {
        """
        #!KAMAILIO
        debug=-1
        log_stderror=yes
        children=2
        \(extraGlobals)listen=udp:127.0.0.1:{PORT}
        listen=tcp:127.0.0.1:{PORT}

        loadmodule "sl.so"

        request_route {
            if (method=="ACK") {
                exit;
            }
            sl_send_reply("200", "OK");
            exit;
        }

        """
    }
}
