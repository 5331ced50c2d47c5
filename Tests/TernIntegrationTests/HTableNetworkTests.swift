import Foundation
import Testing
import TernTestSupport

/// htable in the real server: event_route[htable:mod-init] fills a table before the first
/// message (the register-auth bench config's loop), and workers read and count it.
@Suite("htable in the running server", .serialized)
struct HTableNetworkTests {
    static let config = """
        #!KAMAILIO
        debug=-1
        log_stderror=yes
        children=2
        max_while_loops=100000
        listen=udp:127.0.0.1:{PORT}
        loadmodule "sl.so"
        loadmodule "pv.so"
        loadmodule "htable.so"
        modparam("htable", "htable", "creds=>size=12;autoexpire=0;")
        modparam("htable", "htable", "hits=>size=4;initval=0")
        event_route[htable:mod-init] {
            $var(i) = 1;
            while ($var(i) <= 1000) {
                $sht(creds=>user$var(i)) = "pw" + $var(i);
                $var(i) = $var(i) + 1;
            }
        }
        request_route {
            if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
            $var(n) = $shtinc(hits=>$rU);
            sl_send_reply("200", "$sht(creds=>$rU) $shtcn(creds=>%~user) $var(n)");
            exit;
        }
        """

    @Test("the start-up route's 1000 entries are there for the first request")
    func modInitBeforeTheFirstMessage() throws {
        let tern = try TernProcess.start(config: Self.config)
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        for (user, expected) in [("user1", "pw1 1000 1"), ("user1000", "pw1000 1000 1"), ("user1", "pw1 1000 2")] {
            let request = SIPRequestBuilder.request(method: "MESSAGE", serverPort: tern.port, clientPort: phone.localPort,
                                                    transport: "UDP", user: user, callID: uniqueToken("ht"), cseq: 1, extraHeaders: [])
            try phone.send(request.bytes(), to: tern.port)
            let reply = try #require(try phone.receiveReply(timeout: .seconds(3)), "no reply for \(user)")
            #expect(reply.statusCode == 200)
            #expect(reply.reasonPhrase == expected, "\(reply)")
        }
    }
}
