// The bytes of a forwarded request, exactly: our Via first, the new R-URI, the script's edits,
// received/rport written into the previous hop's Via the way Kamailio writes them.
import SIPCore
import SIPTransport
import TernTestSupport
import Testing

@testable import TernRuntime

@Suite struct OutgoingRequestTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func viaLines() {
        let v4 = ListenAddress(proto: .udp, host: "127.0.0.1", port: 5070)
        #expect(text(ViaLine.make(proto: .udp, sentBy: v4, branch: "z9hG4bKabc", rport: false))
                == "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc\r\n")
        #expect(text(ViaLine.make(proto: .udp, sentBy: v4, branch: "z9hG4bKabc", rport: true))
                == "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport\r\n")
        let v6 = ListenAddress(proto: .tcp, host: "2001:db8::1", port: 5060)
        #expect(text(ViaLine.make(proto: .tcp, sentBy: v6, branch: "z9hG4bKx", rport: true, connectionID: 26))
                == "Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKx;i=1a;rport\r\n")
    }

    @Test func viaGoesFirstAndTheRequestURIIsReplaced() {
        let message = ScriptTestHarness.message([
            "INVITE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1",
            "CSeq: 1 INVITE",
        ], body: "v=0\r\n")
        var edits = EditList()
        // A header the script inserted at the top stays below our Via.
        edits.insert("X-First: 1\r\n", at: message.headers[0].nameRange.lowerBound)
        let via = Array("Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsl1\r\n".utf8)
        let out = OutgoingRequest.build(message, edits: edits, requestURI: "sip:bob@192.0.2.99:5080", topVia: via)
        #expect(text(out) == """
            INVITE sip:bob@192.0.2.99:5080 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsl1\r
            X-First: 1\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r
            CSeq: 1 INVITE\r
            Content-Length: 5\r
            \r
            v=0\r

            """)
    }

    @Test func bodyEditsUpdateContentLength() {
        let message = ScriptTestHarness.message(["MESSAGE sip:b@example.com SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1"], body: "hi")
        var edits = EditList()
        edits.replace(message.bodyRange, with: "hello")
        let out = OutgoingRequest.build(message, edits: edits, requestURI: nil, topVia: Array("Via: X\r\n".utf8))
        #expect(text(out) == "MESSAGE sip:b@example.com SIP/2.0\r\nVia: X\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 5\r\n\r\nhello")
    }

    /// What Kamailio 5.6.3 wrote into the received Via for the same requests.
    @Test(arguments: [
        // The sent-by host is not the source: received first, the empty rport filled in.
        ("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;rport", false,
         "SIP/2.0/UDP 10.0.0.1:5060;received=127.0.0.1;branch=z9hG4bKabc;rport=45090"),
        // Same host, no rport asked for: untouched.
        ("SIP/2.0/UDP 127.0.0.1:45090;branch=z9hG4bKabc", false, "SIP/2.0/UDP 127.0.0.1:45090;branch=z9hG4bKabc"),
        // force_rport() without an rport parameter.
        ("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc", true, "SIP/2.0/UDP 127.0.0.1:5060;rport=45090;branch=z9hG4bKabc"),
        // An rport value and an old received are brought up to date.
        ("SIP/2.0/UDP host.example.com;rport=1;received=10.9.9.9;branch=z9hG4bKabc", false,
         "SIP/2.0/UDP host.example.com;rport=45090;received=127.0.0.1;branch=z9hG4bKabc"),
        // No parameters at all.
        ("SIP/2.0/UDP 10.0.0.1", false, "SIP/2.0/UDP 10.0.0.1;received=127.0.0.1"),
        ("SIP/2.0/UDP 10.0.0.1", true, "SIP/2.0/UDP 10.0.0.1;rport=45090;received=127.0.0.1"),
    ])
    func receivedParameters(via: String, forceRport: Bool, expected: String) throws {
        let message = ScriptTestHarness.message(["INVITE sip:x@127.0.0.1 SIP/2.0", "Via: " + via, "CSeq: 1 INVITE"])
        var edits = EditList()
        ViaReceivedParameters.add(to: &edits, message: message, source: SocketAddressText(ip: "127.0.0.1", port: 45090),
                                  forceRport: forceRport)
        let out = text(try MessageSerializer.serialize(message, edits: edits))
        #expect(out.contains("\r\nVia: " + expected + "\r\n"), "\(out)")
    }
}
