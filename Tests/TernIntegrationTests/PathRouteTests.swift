// A binding registered through an edge proxy (Path, RFC 3327): the call to it goes to the first
// Path hop and carries the Path as a Route header, placed where Kamailio 5.6.3 places it (checked
// on Kamailio with the same config and messages): before the first Route header, or right
// after our Via when the request has none.
import Testing
import TernTestSupport

@Suite("Path of a binding as the call's Route", .serialized)
struct PathRouteTests {
    static let config = TestConfigHead.udp(loading: ["tm", "sl", "pv", "usrloc", "registrar"]) + """
        modparam("registrar", "use_path", 1)

        request_route {
            if (method == "REGISTER") { save("location"); exit; }
            if (method == "ACK") { exit; }
            if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
            t_relay();
        }
        """

    private func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    }

    @Test("lookup() sends to the first Path hop with the Path as a Route header")
    func pathBecomesARouteHeader() throws {
        let tern = try TernProcess.start(config: Self.config)
        defer { tern.stop() }
        let caller = try UDPEndpoint()
        defer { caller.close() }
        let edge = try UDPEndpoint()
        defer { edge.close() }
        let path = "<sip:edge@127.0.0.1:\(edge.localPort);lr>, <sip:edge2@192.0.2.9;lr>"
        let register = """
            REGISTER sip:127.0.0.1 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:\(caller.localPort);branch=z9hG4bKreg1\r
            Max-Forwards: 70\r
            From: <sip:alice@127.0.0.1>;tag=r1\r
            To: <sip:alice@127.0.0.1>\r
            Call-ID: path-reg-1\r
            CSeq: 1 REGISTER\r
            Supported: path\r
            Path: \(path)\r
            Contact: <sip:alice@192.0.2.5:5060>\r
            Expires: 600\r
            Content-Length: 0\r
            \r

            """
        try caller.send(Array(register.utf8), to: tern.port)
        let registered = try caller.receiveReply(timeout: .seconds(3))
        #expect(registered?.statusCode == 200)

        for (call, route) in [("path-inv-1", nil), ("path-inv-2", "Route: <sip:127.0.0.1:\(tern.port);lr>")] {
            let invite = "INVITE sip:alice@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:\(caller.localPort);branch=z9hG4bK\(call)\r\n"
                + "Max-Forwards: 70\r\n"
                + (route.map { $0 + "\r\n" } ?? "")
                + "From: <sip:bob@127.0.0.1>;tag=b1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: \(call)\r\n"
                + "CSeq: 1 INVITE\r\nContact: <sip:bob@127.0.0.1:\(caller.localPort)>\r\nContent-Length: 0\r\n\r\n"
            try caller.send(Array(invite.utf8), to: tern.port)
            guard let relayed = try edge.receive(timeout: .seconds(3)) else {
                Issue.record("the edge proxy got no INVITE for \(call)\n\(tern.standardError.suffix(1500))")
                continue
            }
            let got = lines(relayed)
            #expect(got.first == "INVITE sip:alice@192.0.2.5:5060 SIP/2.0")
            guard got.count > 5 else {
                Issue.record("the relayed INVITE for \(call) is too short to carry the Path: \(got)")
                continue
            }
            #expect(got[1].hasPrefix("Via: SIP/2.0/UDP 127.0.0.1:\(tern.port);branch=z9hG4bK"))
            if let route {
                #expect(Array(got[2 ... 5]) == [
                    "Via: SIP/2.0/UDP 127.0.0.1:\(caller.localPort);branch=z9hG4bK\(call)", "Max-Forwards: 70",
                    "Route: \(path)", route,
                ])
            } else {
                #expect(Array(got[2 ... 3]) == [
                    "Route: \(path)", "Via: SIP/2.0/UDP 127.0.0.1:\(caller.localPort);branch=z9hG4bK\(call)",
                ])
            }
            // One Route line for the Path, whatever else the request carried.
            #expect(got.filter { $0 == "Route: \(path)" }.count == 1)
        }
    }
}
