import SIPCore
import Testing

@Suite("Stateless replies")
struct SIPReplyBuilderTests {
    private let request = crlf("""
        INVITE sip:bob@biloxi.com SIP/2.0
        Via: SIP/2.0/UDP pc33.atlanta.com;rport;branch=z9hG4bK776asdhds
        v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKold, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKolder
        Max-Forwards: 70
        To: Bob <sip:bob@biloxi.com>
        From: Alice <sip:alice@atlanta.com>;tag=1928301774
        Call-ID: a84b4c76e66710@pc33.atlanta.com
        CSeq: 314159 INVITE
        Timestamp: 54
        Contact: <sip:alice@pc33.atlanta.com>
        Content-Length: 0


        """)
    private let source = SocketAddressText(ip: "192.0.2.4", port: 5062)

    @Test func busyHereWithReceivedRPortAndToTag() throws {
        let m = try SIPMessage.parse(request)
        let reply = SIPReplyBuilder.build(
            for: m, code: 486, reason: "Busy Here", toTag: "abc123", receivedFrom: source, serverHeader: "Server: Tern 0.1")
        #expect(text(reply) == text(crlf("""
            SIP/2.0 486 Busy Here
            Via: SIP/2.0/UDP pc33.atlanta.com;rport=5062;branch=z9hG4bK776asdhds;received=192.0.2.4
            Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKold, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKolder
            From: Alice <sip:alice@atlanta.com>;tag=1928301774
            To: Bob <sip:bob@biloxi.com>;tag=abc123
            Call-ID: a84b4c76e66710@pc33.atlanta.com
            CSeq: 314159 INVITE
            Server: Tern 0.1
            Content-Length: 0


            """)))
        let parsed = try SIPMessage.parse(reply)
        try parsed.validate()
        #expect(parsed.statusCode == 486)
    }

    @Test func tryingHasNoToTagAndEchoesTimestamp() throws {
        let m = try SIPMessage.parse(request)
        let reply = SIPReplyBuilder.build(for: m, code: 100, reason: "Trying", toTag: "abc123", receivedFrom: source, serverHeader: nil)
        let t = text(reply)
        #expect(t.hasPrefix("SIP/2.0 100 Trying\r\n"))
        #expect(t.contains("\r\nTo: Bob <sip:bob@biloxi.com>\r\n"))
        #expect(t.contains("\r\nTimestamp: 54\r\n"))
        #expect(!t.contains("Server:"))
    }

    @Test func noReceivedWhenSentByIsTheSourceAndNoRPort() throws {
        let m = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.4:5062;branch=z9hG4bK1
            To: <sip:a@b>;tag=existing
            From: <sip:c@d>;tag=1
            Call-ID: x
            CSeq: 1 OPTIONS
            Content-Length: 0


            """))
        let reply = SIPReplyBuilder.build(
            for: m, code: 200, reason: "OK", toTag: "new", receivedFrom: source,
            extraHeaders: Array("Allow: INVITE, ACK\r\nAccept: application/sdp".utf8), serverHeader: nil,
            body: Array("v=0\r\n".utf8), contentType: "application/sdp")
        #expect(text(reply) == text(crlf("""
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP 192.0.2.4:5062;branch=z9hG4bK1
            From: <sip:c@d>;tag=1
            To: <sip:a@b>;tag=existing
            Call-ID: x
            CSeq: 1 OPTIONS
            Allow: INVITE, ACK
            Accept: application/sdp
            Content-Type: application/sdp
            Content-Length: 5

            v=0

            """)))
    }

    @Test func existingReceivedIsReplacedAndIPv6SourcesMatchBracketedHosts() throws {
        let m = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            Via: SIP/2.0/UDP host.example.com;received=10.9.9.9;rport;branch=z9hG4bK1
            Content-Length: 0


            """))
        let reply = text(SIPReplyBuilder.build(for: m, code: 200, reason: "OK", toTag: nil, receivedFrom: source, serverHeader: nil))
        #expect(reply.contains("Via: SIP/2.0/UDP host.example.com;received=192.0.2.4;rport=5062;branch=z9hG4bK1\r\n"))

        let v6 = try SIPMessage.parse(crlf("""
            OPTIONS sip:a@b SIP/2.0
            Via: SIP/2.0/UDP [2001:DB8::9:1];branch=z9hG4bK1
            Content-Length: 0


            """))
        let v6source = SocketAddressText(ip: "[2001:db8::9:1]", port: 5060)
        #expect(v6source.ip == "2001:db8::9:1")
        #expect(v6source.isIPv6)
        let same = text(SIPReplyBuilder.build(for: v6, code: 200, reason: "OK", toTag: nil, receivedFrom: v6source, serverHeader: nil))
        #expect(same.contains("Via: SIP/2.0/UDP [2001:DB8::9:1];branch=z9hG4bK1\r\n"))
        let other = SocketAddressText(ip: "2001:db8::77", port: 5060)
        let differs = text(SIPReplyBuilder.build(for: v6, code: 200, reason: "OK", toTag: nil, receivedFrom: other, serverHeader: nil))
        #expect(differs.contains(";branch=z9hG4bK1;received=2001:db8::77\r\n"))
    }

    @Test func reasonAndHeadersCannotInjectLines() throws {
        let m = try SIPMessage.parse(request)
        let reply = SIPReplyBuilder.build(
            for: m, code: 403, reason: "No\r\nX-Evil: 1", toTag: "t\r\nX: y", receivedFrom: source, serverHeader: "Server: a\r\nb")
        let parsed = try SIPMessage.parse(reply)
        #expect(parsed.headers(named: "X-Evil").isEmpty)
        #expect(parsed.headers(named: "X").isEmpty)
        #expect(parsed.string(parsed.reasonRange) == "No  X-Evil: 1")
    }

    @Test func tagGivenAsBytesMatchesTagGivenAsText() throws {
        let m = try SIPMessage.parse(request)
        let fromText = SIPReplyBuilder.build(
            for: m, code: 486, reason: "Busy Here", toTag: "abc123", receivedFrom: source, serverHeader: "Server: Tern 0.1")
        let fromBytes = Array("abc123".utf8).withUnsafeBufferPointer { tag in
            SIPReplyBuilder.build(
                for: m, code: 486, reason: "Busy Here", toTagBytes: tag, receivedFrom: source, serverHeader: "Server: Tern 0.1")
        }
        #expect(text(fromBytes) == text(fromText))
        #expect(text(fromText).contains("\r\nTo: Bob <sip:bob@biloxi.com>;tag=abc123\r\n"))
    }

    @Test func repliesLongerThanTheirFirstBufferAreWholeAndSanitized() throws {
        // Reason, Server line and extra headers far beyond the first buffer: the reply moves
        // to a larger one without losing or reordering a byte; long texts are still cleaned.
        let m = try SIPMessage.parse(request)
        let reason = String(repeating: "Busy ", count: 300) + "\nX-Evil: 1"
        let extra = Array((0..<40).map { "X-Extra-\($0): " + String(repeating: "v", count: 40) + "\r\n" }.joined().utf8)
        let reply = SIPReplyBuilder.build(
            for: m, code: 486, reason: reason, toTag: "abc123", receivedFrom: source,
            extraHeaders: extra, serverHeader: "Server: " + String(repeating: "s", count: 600))
        let parsed = try SIPMessage.parse(reply)
        try parsed.validate()
        #expect(parsed.string(parsed.reasonRange) == String(repeating: "Busy ", count: 300) + " X-Evil: 1")
        #expect(parsed.headers(named: "X-Evil").isEmpty)
        #expect(parsed.headers(named: "X-Extra-39").count == 1)
        #expect(text(reply).contains("\r\nServer: " + String(repeating: "s", count: 600) + "\r\nContent-Length: 0\r\n\r\n"))
        #expect(text(reply).hasPrefix("SIP/2.0 486 Busy Busy "))
    }

    @Test func brokenRequestsGetRawLines() throws {
        // validate() fails (CSeq method mismatch) but the lines a reply needs are there.
        let broken = crlf("""
            OPTIONS sip:user@example.com SIP/2.0
            To: sip:j.user@example.com
            From: sip:caller@example.net;tag=34525
            Max-Forwards: 6
            Call-ID: mismatch01.dj0234sxdfl3
            CSeq: 8 INVITE
            Via: SIP/2.0/UDP host.example.com;rport;branch=z9hG4bKkdjuw
            l: 0


            """)
        let m = try SIPMessage.parse(broken)
        var reason = ""
        do { try m.validate() } catch { reason = error.reason }
        let reply = try #require(SIPReplyBuilder.buildFromBrokenRequest(
            m, code: 400, reason: reason, toTag: "zz", receivedFrom: source, serverHeader: "Server: Tern"))
        #expect(text(reply) == text(crlf("""
            SIP/2.0 400 CSeq method does not match request method
            Via: SIP/2.0/UDP host.example.com;rport=5062;branch=z9hG4bKkdjuw;received=192.0.2.4
            From: sip:caller@example.net;tag=34525
            To: sip:j.user@example.com;tag=zz
            Call-ID: mismatch01.dj0234sxdfl3
            CSeq: 8 INVITE
            Server: Tern
            Content-Length: 0


            """)))
    }

    @Test func brokenRequestsWithFoldsUnparseableParts() throws {
        // parse() fails (no end of headers); folded From is unfolded, the bad To is copied as is.
        let bytes = Array("REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.4:5062;branch=z9hG4bK9\r\nFrom: <sip:a@b>\r\n ;tag=1\r\nTo: \"open <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nl: 0\r\n".utf8)
        #expect(throws: SIPParseError.self) { try SIPMessage.parse(bytes) }
        let reply = try #require(SIPReplyBuilder.buildFromBrokenRequest(
            bytes, reason: "Header section not terminated", toTag: "t", receivedFrom: source, serverHeader: nil))
        #expect(text(reply) == text(crlf("""
            SIP/2.0 400 Header section not terminated
            Via: SIP/2.0/UDP 192.0.2.4:5062;branch=z9hG4bK9
            From: <sip:a@b>   ;tag=1
            To: "open <sip:a@b>
            Call-ID: c
            CSeq: 1 REGISTER
            Content-Length: 0


            """)))
    }

    @Test func noReplyToResponsesOrViaLessRequests() {
        let response = crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\n")
        #expect(SIPReplyBuilder.buildFromBrokenRequest(response, reason: "x", receivedFrom: source, serverHeader: nil) == nil)
        let noVia = crlf("OPTIONS sip:a@b SIP/2.0\nCall-ID: x\n\n")
        #expect(SIPReplyBuilder.buildFromBrokenRequest(noVia, reason: "x", receivedFrom: source, serverHeader: nil) == nil)
        #expect(SIPReplyBuilder.buildFromBrokenRequest([], reason: "x", receivedFrom: source, serverHeader: nil) == nil)
    }
}

@Suite("Receive info")
struct ReceiveInfoTests {
    final class Recorder: ReplyChannel, @unchecked Sendable {
        var sent: [[UInt8]] = []
        func send(_ bytes: [UInt8]) { sent.append(bytes) }
    }

    @Test func addressesAndTransports() {
        let v4 = SocketAddressText(ip: "192.0.2.1", port: 5060)
        #expect(!v4.isIPv6)
        #expect(v4.description == "192.0.2.1:5060")
        let v6 = SocketAddressText(ip: "2001:db8::1", port: 5061)
        #expect(v6.hostText == "[2001:db8::1]")
        #expect(v6.description == "[2001:db8::1]:5061")
        #expect(TransportProtocol(name: "TLS") == .tls)
        #expect(TransportProtocol(name: "wss") == .wss)
        #expect(TransportProtocol(name: "foo") == nil)
        #expect(TransportProtocol.allCases.map(\.uppercaseName) == ["UDP", "TCP", "TLS", "SCTP", "WS", "WSS"])
        #expect(TransportProtocol.allCases.map(\.lowercaseName) == ["udp", "tcp", "tls", "sctp", "ws", "wss"])
        #expect(TransportProtocol.tcp.isStream && !TransportProtocol.udp.isStream)

        let recorder = Recorder()
        let info = ReceiveInfo(proto: .udp, source: v4, local: v6, reply: recorder)
        info.reply.send([1, 2, 3])
        #expect(recorder.sent == [[1, 2, 3]])
    }
}
