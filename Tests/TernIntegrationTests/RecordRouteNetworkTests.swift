import Foundation
import Testing
import TernTestSupport

/// rr with the real binary and the bench's proxy-stateless.cfg unchanged: the INVITE leaves
/// with our Record-Route, and in-dialog requests sent back with that Route are loose-routed
/// (our Route removed, sent to the Request-URI or to the next Route). SIPp calls through the
/// same config are in StatelessForwardingTests.
@Suite("Record-Route and loose routing over the network", .serialized)
struct RecordRouteNetworkTests {
    private func startProxy(uasPort: UInt16) throws -> TernProcess? {
        let config = PackagePaths.benchConfigs + "/proxy-stateless.cfg"
        guard FileManager.default.fileExists(atPath: config) else { return nil }
        return try TernProcess.start(
            config: try String(contentsOfFile: config, encoding: .utf8),
            arguments: ["-A", "PORT={PORT}", "-A", "UAS_PORT=\(uasPort)"],
            files: ["common.inc": try String(contentsOfFile: PackagePaths.benchConfigs + "/common.inc", encoding: .utf8)])
    }

    private static func headers(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.components(separatedBy: "\r\n")
    }

    @Test("INVITE gets our Record-Route; BYE and ACK with that Route reach the UAS without it")
    func dialogFollowsTheRouteSet() throws {
        let uas = try UDPEndpoint()
        guard let tern = try startProxy(uasPort: uas.localPort) else { return }
        defer { tern.stop() }
        let uac = try UDPEndpoint()
        let callID = uniqueToken("rr-call")
        var invite = SIPRequestBuilder.invite(serverPort: tern.port, clientPort: uac.localPort, callID: callID)
        invite.set("From", "<sip:alice@127.0.0.1>;tag=caller1")
        try uac.send(invite.bytes(), to: tern.port)
        let forwarded = try #require(try uas.receive(timeout: .seconds(3)), "the INVITE was not forwarded")
        let recordRoute = "Record-Route: <sip:127.0.0.1:\(tern.port);lr;ftag=caller1>"
        let inviteHeaders = Self.headers(forwarded)
        // Our Via first, then our Record-Route, before the headers the INVITE came with.
        #expect(inviteHeaders.count > 3)
        #expect(inviteHeaders.filter { $0.hasPrefix("Record-Route:") } == [recordRoute], "\(inviteHeaders)")
        #expect(inviteHeaders.firstIndex(of: recordRoute) == 2, "\(inviteHeaders)")

        for method in ["ACK", "BYE"] {
            var request = SIPRequestBuilder(method: method, requestURI: "sip:bob@127.0.0.1:\(uas.localPort)", headers: [
                (name: "Via", value: "SIP/2.0/UDP 127.0.0.1:\(uac.localPort);branch=\(uniqueToken("z9hG4bK"));rport"),
                (name: "Max-Forwards", value: "70"),
                (name: "Route", value: "<sip:127.0.0.1:\(tern.port);lr;ftag=caller1>"),
                (name: "From", value: "<sip:alice@127.0.0.1>;tag=caller1"),
                (name: "To", value: "<sip:bob@127.0.0.1>;tag=callee1"),
                (name: "Call-ID", value: callID),
                (name: "CSeq", value: "\(method == "ACK" ? 1 : 2) \(method)"),
            ])
            request.body = []
            try uac.send(request.bytes(), to: tern.port)
            let arrived = try #require(try uas.receive(timeout: .seconds(3)), "the \(method) was not forwarded")
            let lines = Self.headers(arrived)
            #expect(lines.first == "\(method) sip:bob@127.0.0.1:\(uas.localPort) SIP/2.0")
            #expect(!lines.contains { $0.lowercased().hasPrefix("route:") }, "\(lines)")
        }
    }

    @Test("a Route after ours becomes the next hop and stays in the request")
    func nextRouteIsTheDestination() throws {
        let uas = try UDPEndpoint()
        guard let tern = try startProxy(uasPort: 9) else { return }
        defer { tern.stop() }
        let uac = try UDPEndpoint()
        let request = SIPRequestBuilder(method: "BYE", requestURI: "sip:bob@192.0.2.1:5060", headers: [
            (name: "Via", value: "SIP/2.0/UDP 127.0.0.1:\(uac.localPort);branch=\(uniqueToken("z9hG4bK"));rport"),
            (name: "Max-Forwards", value: "70"),
            (name: "Route", value: "<sip:127.0.0.1:\(tern.port);lr>, <sip:127.0.0.1:\(uas.localPort);lr>"),
            (name: "From", value: "<sip:alice@127.0.0.1>;tag=caller2"),
            (name: "To", value: "<sip:bob@127.0.0.1>;tag=callee2"),
            (name: "Call-ID", value: uniqueToken("rr-bye")),
            (name: "CSeq", value: "3 BYE"),
        ])
        try uac.send(request.bytes(), to: tern.port)
        let arrived = try #require(try uas.receive(timeout: .seconds(3)), "the BYE did not reach the next Route")
        let lines = Self.headers(arrived)
        #expect(lines.first == "BYE sip:bob@192.0.2.1:5060 SIP/2.0")
        #expect(lines.filter { $0.hasPrefix("Route:") } == ["Route: <sip:127.0.0.1:\(uas.localPort);lr>"], "\(lines)")
    }
}
