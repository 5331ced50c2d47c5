#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TernTestSupport

/// Stateless forward() with the real binary: SIPp calls through Tern to a SIPp UAS over UDP
/// and over TCP, replies relayed back by their Via headers; the bench's proxy-stateless
/// config unchanged; an unresolvable next hop; onsend_route's drop; a TCP reply that finds
/// its connection gone.
@Suite("Stateless forwarding", .serialized,
       .enabled(if: SIPpRunner.isAvailable, "sipp is not installed (apt-get install sip-tester; `make test` does it)"))
struct StatelessForwardingTests {
    /// One worker per transport, so the UAS's 180 and 200 are relayed in the order they came
    /// (SIPp's built-in UAC fails a call whose 180 arrives after the 200).
    static func config(route: String, extra: String = "") -> String {
        """
        #!KAMAILIO
        debug=-1
        log_stderror=yes
        children=1
        tcp_children=1
        listen=udp:127.0.0.1:{PORT}
        listen=tcp:127.0.0.1:{PORT}
        loadmodule "sl.so"
        loadmodule "pv.so"
        loadmodule "textops.so"
        loadmodule "cfgutils.so"
        request_route {
            if (method=="OPTIONS" && uri==myself && $rU=="ping") {
                sl_send_reply("200", "OK");    # readiness probe
                exit;
            }
        \(route)
        }
        \(extra)
        """
    }

    private func callsThrough(route: String, uasTransport: SIPpPhones.Transport, uacTransport: SIPpPhones.Transport = .udp,
                              calls: Int, rate: Int) throws {
        let uas = try SIPpPhones.UAS(transport: uasTransport, calls: calls)
        let text = Self.config(route: route).replacingOccurrences(of: "{UAS_PORT}", with: String(uas.port))
        let tern = try TernProcess.start(config: text)
        defer { tern.stop() }
        let uac = try SIPpPhones.runUAC(serverPort: tern.port, calls: calls, rate: rate, transport: uacTransport,
                                        timeout: .seconds(30))
        #expect(uac.successful == calls, "\(uac)\ntern:\n\(tern.standardError.suffix(2000))")
        #expect(uac.failed == 0, "\(uac)")
        #expect(uac.status == .exited(0), "\(uac)")
        #expect(uas.finish(timeout: .seconds(10)) == .exited(0))
        #expect(tern.isRunning)
    }

    @Test("500 calls at 100/s, UDP on both sides")
    func udpCalls() throws {
        try callsThrough(route: #"$du = "sip:127.0.0.1:{UAS_PORT}"; forward(); exit;"#,
                         uasTransport: .udp, calls: 500, rate: 100)
    }

    @Test("300 calls at 100/s, TCP between Tern and the UAS")
    func tcpToTheUAS() throws {
        try callsThrough(route: #"$du = "sip:127.0.0.1:{UAS_PORT};transport=tcp"; forward(); exit;"#,
                         uasTransport: .tcp, calls: 300, rate: 100)
    }

    /// Replies from the UAS find the caller's connection by the `i=` Tern put in its Via.
    @Test("200 calls at 100/s, the caller on TCP, the UAS on UDP")
    func tcpCaller() throws {
        try callsThrough(route: #"$du = "sip:127.0.0.1:{UAS_PORT}"; forward(); exit;"#,
                         uasTransport: .udp, uacTransport: .tcp, calls: 200, rate: 100)
    }

    @Test("forward_tcp(host, port)")
    func forwardTCPFunction() throws {
        try callsThrough(route: #"forward_tcp("127.0.0.1", {UAS_PORT}); exit;"#, uasTransport: .tcp, calls: 50, rate: 50)
    }

    @Test("the bench's proxy-stateless.cfg, unchanged, 500 calls at 100/s")
    func benchConfig() throws {
        let scenarios = PackagePaths.shared + "/bench/scenarios"
        let config = PackagePaths.benchConfigs + "/proxy-stateless.cfg"
        guard FileManager.default.fileExists(atPath: config) else { return }
        let uas = try SIPpPhones.UAS(transport: .udp, calls: 500, scenario: scenarios + "/uas-call.xml")
        let tern = try TernProcess.start(
            config: try String(contentsOfFile: config, encoding: .utf8),
            arguments: ["-A", "PORT={PORT}", "-A", "UAS_PORT=\(uas.port)"],
            files: ["common.inc": try String(contentsOfFile: PackagePaths.benchConfigs + "/common.inc", encoding: .utf8)])
        defer { tern.stop() }
        let uac = try SIPpPhones.runUAC(serverPort: tern.port, calls: 500, rate: 100,
                                        scenario: scenarios + "/uac-call.xml", timeout: .seconds(30))
        #expect(uac.successful == 500, "\(uac)\ntern:\n\(tern.standardError.suffix(2000))")
        #expect(uac.status == .exited(0), "\(uac)")
        #expect(uas.finish(timeout: .seconds(10)) == .exited(0))
    }

    @Test("an unresolvable next hop: forward() is false and nothing is sent")
    func unresolvableHost() throws {
        let next = try UDPEndpoint()
        let text = Self.config(route: """
            if ($rU == "nowhere") {
                $du = "sip:no-such-host.invalid";
                if (!forward()) { sl_send_reply("478", "Unresolvable destination"); }
                exit;
            }
            forward("127.0.0.1", \(next.localPort));
            """)
        let tern = try TernProcess.start(config: text)
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let request = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort, user: "nowhere")
        try phone.send(request.bytes(), to: tern.port)
        let reply = try phone.receiveReply(timeout: .seconds(2))
        #expect(reply?.statusCode == 478)
        #expect(try next.receive(timeout: .milliseconds(300)) == nil)
        // The server keeps forwarding what it can.
        let other = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort, user: "bob")
        try phone.send(other.bytes(), to: tern.port)
        #expect(try next.receive(timeout: .seconds(2)) != nil)
    }

    @Test("onsend_route's drop stops the send")
    func onsendDrop() throws {
        let next = try UDPEndpoint()
        let text = Self.config(route: "forward(\"127.0.0.1\", \(next.localPort)); exit;", extra: """
            onsend_route {
                if ($snd(buf) =~ "X-Drop: yes") { drop; }
            }
            """)
        let tern = try TernProcess.start(config: text)
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        var dropped = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort, user: "bob")
        dropped.set("X-Drop", "yes")
        try phone.send(dropped.bytes(), to: tern.port)
        #expect(try next.receive(timeout: .milliseconds(500)) == nil)
        let passed = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort, user: "bob")
        try phone.send(passed.bytes(), to: tern.port)
        let forwarded = try #require(try next.receive(timeout: .seconds(2)))
        let text2 = String(decoding: forwarded, as: UTF8.self)
        #expect(text2.hasPrefix("INVITE sip:bob@"))
        #expect(text2.contains("\r\nVia: SIP/2.0/UDP 127.0.0.1:\(tern.port);branch=z9hG4bK"))
    }

    @Test("onsend_route's $snd(sip) is the socket force_send_socket chose")
    func onsendSeesTheForcedSocket() throws {
        let next = try UDPEndpoint()
        let text = Self.config(route: """
            force_send_socket(udp:127.0.0.2:{PORT}); forward("127.0.0.1", \(next.localPort)); exit;
            """, extra: """
            onsend_route {
                if ($snd(sip) != "127.0.0.2") { drop; }
            }
            """).replacingOccurrences(of: "listen=tcp:127.0.0.1:{PORT}", with: "listen=tcp:127.0.0.1:{PORT}\nlisten=udp:127.0.0.2:{PORT}")
        let tern = try TernProcess.start(config: text)
        defer { tern.stop() }
        let phone = try UDPEndpoint()
        let request = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: phone.localPort, user: "bob")
        try phone.send(request.bytes(), to: tern.port)
        let forwarded = try #require(try next.receive(timeout: .seconds(2)), "onsend_route saw another source socket")
        #expect(String(decoding: forwarded, as: UTF8.self).contains("\r\nVia: SIP/2.0/UDP 127.0.0.2:\(tern.port);branch="))
    }

    @Test("a TCP reply whose connection is gone goes on a new one to the Via address",
          arguments: [false, true])
    func tcpReplyReconnects(noConnect: Bool) throws {
        let text = Self.config(route: (noConnect ? "set_reply_no_connect(); " : "")
                               + #"usleep(300000); sl_send_reply("200", "OK"); exit;"#)
        let tern = try TernProcess.start(config: text)
        defer { tern.stop() }
        let listener = try LoopbackTCPListener()
        let connection = try TCPConnection(port: tern.port)
        let request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: listener.port, transport: "TCP", user: "late")
        _ = connection.write(request.bytes())
        connection.close()
        if noConnect {
            // set_reply_no_connect(): the reply is lost with its connection.
            #expect(listener.accept(timeout: .seconds(1)) == nil)
            return
        }
        let accepted = try #require(listener.accept(timeout: .seconds(3)), "no connection back from Tern")
        defer { close(accepted) }
        let reply = LoopbackTCPListener.read(accepted, timeout: .seconds(2))
        #expect(reply.hasPrefix("SIP/2.0 200 OK\r\n"), "\(reply)")
    }
}

/// A TCP listening socket on 127.0.0.1 for the tests to be connected to.
final class LoopbackTCPListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 4) == 0 else { close(descriptor); throw ListenFailed() }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        fd = descriptor
        port = UInt16(bigEndian: addr.sin_port)
    }

    deinit { close(fd) }

    func accept(timeout: Duration) -> Int32? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout.components.seconds * 1000)) == 1 else { return nil }
        let client = Glibc.accept(fd, nil, nil)
        return client >= 0 ? client : nil
    }

    /// What arrives on `fd` until a full header section or `timeout`.
    static func read(_ fd: Int32, timeout: Duration) -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) == 1 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0 ..< n]
            if String(decoding: out, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct ListenFailed: Error {}
}
