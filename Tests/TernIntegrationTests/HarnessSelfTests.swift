import Testing
import TernTestSupport

/// The test harness's own readers, checked on known bytes, so a failure elsewhere in this
/// target points at the server and not at the tests' parsing.
@Suite("Harness self-checks")
struct HarnessSelfTests {
    @Test("the folded, spaced-out Via of RFC 4475 wsinv reads as UDP 192.0.2.2, port 5060")
    func wsinvVia() throws {
        let vector = try #require(try ConformanceCorpus.load(suite: "rfc4475").first { $0.file == "wsinv.dat" })
        let message = vector.message
        let via = try #require(message.value(of: "via").flatMap(ViaValue.init))
        #expect(via.transport == "UDP")
        #expect(via.host == "192.0.2.2")
        #expect(via.port == nil)
        #expect(message.topViaPort == 5060)
        #expect(message.value(of: "cseq")?.split(separator: " ") == ["0009", "INVITE"])
        #expect(message.contentLength == 150 && message.body.count == 150)
        #expect(message.hasReplyHeaders)
    }

    @Test("IPv6 sent-by with port, and Via parameters")
    func ipv6Via() throws {
        let via = try #require(ViaValue("SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111;rport;received=2001:db8::9:255"))
        #expect(via.host == "[2001:db8::9:1]")
        #expect(via.port == 6050)
        #expect(via.parameter("branch") == .some("z9hG4bKas3-111"))
        #expect(via.parameter("rport") == .some(nil))
        #expect(via.parameter("received") == .some("2001:db8::9:255"))
        #expect(via.parameter("maddr") == nil)
    }

    @Test("compact header names count as their long forms")
    func compactForms() {
        let message = RawSIPMessage(bytes: Array("OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h\r\ni: x\r\nl: 0\r\nf: <sip:a@b>\r\nt: <sip:b@c>\r\nCSeq: 1 OPTIONS\r\n\r\n".utf8))
        #expect(message.value(of: "Call-ID") == "x")
        #expect(message.contentLength == 0)
        #expect(message.hasReplyHeaders)
    }

    @Test("stream framing waits for the whole body and leaves the next message")
    func replyFraming() throws {
        let first = Array("SIP/2.0 200 OK\r\nCall-ID: a\r\nContent-Length: 3\r\n\r\nabc".utf8)
        let second = Array("SIP/2.0 400 Bad\r\nl: 0\r\n\r\n".utf8)
        #expect(SIPReply.frame(Array(first.dropLast())) == nil)
        let (reply, used) = try #require(SIPReply.frame(Array("\r\n".utf8) + first + second))
        #expect(reply.statusCode == 200 && reply.body == Array("abc".utf8))
        #expect(used == 2 + first.count)
        let (next, _) = try #require(SIPReply.frame(second))
        #expect(next.statusCode == 400 && next.reasonPhrase == "Bad")
    }

    @Test("the builder writes Content-Length as asked")
    func builderContentLength() {
        var request = SIPRequestBuilder.invite(serverPort: 5060, clientPort: 5070)
        let automatic = RawSIPMessage(bytes: request.bytes())
        #expect(automatic.contentLength == automatic.body.count && automatic.body.count > 0)
        request.contentLength = .omitted
        #expect(!RawSIPMessage(bytes: request.bytes()).has("content-length"))
        request.contentLength = .literal("-5")
        #expect(RawSIPMessage(bytes: request.bytes()).value(of: "l") == "-5")
    }
}
