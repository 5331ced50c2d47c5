import Testing
import TernTestSupport

/// Kamailio's command-line flags as `tern` accepts them.
@Suite("Command line")
struct CommandLineTests {
    /// A config whose reply reason tells which `-A` defines were seen.
    static let defineConfig = """
        #!KAMAILIO
        debug=-1
        log_stderror=yes
        #!ifndef PORT
        #!define PORT 5060
        #!endif
        listen=udp:127.0.0.1:PORT

        loadmodule "sl.so"

        request_route {
        #!ifdef WITH_MARK
            sl_send_reply("200", "Marked");
        #!else
            sl_send_reply("200", "Plain");
        #!endif
            exit;
        }

        """

    @Test("-A NAME and -A NAME=VALUE define; -E -DD -n -m are accepted")
    func definesAndFlags() throws {
        let tern = try TernProcess.start(config: Self.defineConfig,
                                         arguments: ["-A", "PORT={PORT}", "-A", "WITH_MARK", "-E", "-DD", "-n", "2", "-m", "64"])
        defer { tern.stop() }
        let reply = try tern.client.exchangeUDP { .options(serverPort: tern.port, clientPort: $0) }
        #expect(reply?.statusCode == 200 && reply?.reasonPhrase == "Marked",
                "expected `200 Marked` (WITH_MARK defined): \(reply.map(\.description) ?? "no reply")")
    }

    @Test("-l adds a listen address the config does not have")
    func listenFlag() throws {
        let config = """
            #!KAMAILIO
            debug=-1
            log_stderror=yes
            loadmodule "sl.so"
            request_route {
                sl_send_reply("200", "OK");
                exit;
            }

            """
        // Starting at all proves the UDP listener (start waits for a UDP OPTIONS answer); the
        // `udp:` prefix must also keep TCP off that port, as a bare address would not.
        let tern = try TernProcess.start(config: config, arguments: ["-l", "udp:127.0.0.1:{PORT}"])
        defer { tern.stop() }
        #expect(!tern.client.pingTCP(timeout: .milliseconds(500)))
    }
}
