// The messages tm writes itself: a reply as it goes upstream (our Via removed, 503 → 500,
// challenges added), CANCEL and ACK for a branch, and the destination texts of t_relay_to.
import SIPCore
import Testing
@testable import TernModules

@Suite("tm messages")
struct TMMessageTests {
    static func parse(_ text: String) throws -> SIPMessage {
        try SIPMessage.parse(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    static let reply = """
        SIP/2.0 503 Service Unavailable
        Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1f.2a.0
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller
        From: <sip:a@x>;tag=1
        To: <sip:b@x>;tag=2
        Call-ID: c1
        CSeq: 1 INVITE
        Content-Length: 0


        """

    @Test("upstream: our Via line removed, the code rewritten, extra headers before the empty line")
    func upstreamReply() throws {
        let message = try Self.parse(Self.reply)
        let bytes = try #require(ReplyRewriter.upstream(message, statusCode: 500,
                                                        extraHeaders: Array("WWW-Authenticate: Digest x\r\n".utf8)))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("SIP/2.0 500 Service Unavailable\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller\r\nFrom:"))
        #expect(!text.contains("z9hG4bK1f.2a.0"))
        #expect(text.hasSuffix("Content-Length: 0\r\nWWW-Authenticate: Digest x\r\n\r\n"))
    }

    @Test("upstream: a Via line with several values loses only the first")
    func upstreamCommaVia() throws {
        let message = try Self.parse(Self.reply.replacingOccurrences(
            of: "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1f.2a.0\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller",
            with: "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1f.2a.0 , SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller"))
        let text = String(decoding: try #require(ReplyRewriter.upstream(message, statusCode: nil, extraHeaders: [])), as: UTF8.self)
        #expect(text.contains("\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller\r\n"), "\(text)")
        #expect(text.hasPrefix("SIP/2.0 503 "))
    }

    @Test("CANCEL and ACK copy the branch request's R-URI, top Via, From, Call-ID, CSeq number and Route")
    func hopRequests() throws {
        let request = try Self.parse("""
            INVITE sip:bob@10.0.0.2 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1f.2a.0
            Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcaller
            Route: <sip:10.0.0.9;lr>
            From: <sip:a@x>;tag=1
            To: <sip:b@x>
            Call-ID: c1
            CSeq: 7 INVITE
            Content-Length: 0


            """)
        let cancel = String(decoding: HopRequest.cancel(for: request), as: UTF8.self)
        #expect(cancel == "CANCEL sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1f.2a.0\r\n"
            + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 7 CANCEL\r\nRoute: <sip:10.0.0.9;lr>\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        let reply = try Self.parse(Self.reply.replacingOccurrences(of: "To: <sip:b@x>;tag=2", with: "To: <sip:b@x>;tag=callee"))
        let ack = String(decoding: HopRequest.ack(for: request, reply: reply), as: UTF8.self)
        #expect(ack.hasPrefix("ACK sip:bob@10.0.0.2 SIP/2.0\r\n"))
        #expect(ack.contains("\r\nTo: <sip:b@x>;tag=callee\r\n"))
        #expect(ack.contains("\r\nCSeq: 7 ACK\r\n"))
        #expect(try SIPMessage.parse(Array(ack.utf8)).methodIs(.ack))
    }

    @Test("t_relay_to destinations", arguments: [
        ("udp:1.2.3.4:5080", "1.2.3.4", 5080, "udp"), ("1.2.3.4:5080", "1.2.3.4", 5080, nil),
        ("tcp:example.com", "example.com", nil, "tcp"), ("[2001:db8::1]:5062", "[2001:db8::1]", 5062, nil),
    ] as [(String, String, Int?, String?)])
    func relayTargets(text: String, host: String, port: Int?, proto: String?) throws {
        let target = try #require(RelayTargetText.parse(text))
        #expect(target.host == host)
        #expect(target.port == port)
        #expect(target.proto?.lowercaseName == proto)
    }

    @Test("bad t_relay_to destinations are refused")
    func badRelayTargets() {
        for text in ["udp:", "1.2.3.4:port", "[2001:db8::1"] {
            #expect(RelayTargetText.parse(text) == nil, "\(text)")
        }
    }
}
