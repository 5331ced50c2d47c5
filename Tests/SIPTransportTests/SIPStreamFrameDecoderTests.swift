import NIOCore
import NIOEmbedded
import NIOTestUtils
import SIPCore
import Testing
@testable import SIPTransport

@Suite struct SIPStreamFrameDecoderTests {
    private static func options(_ cl: Int = 0, extra: String = "") -> [UInt8] {
        let body = String(repeating: "x", count: cl)
        return Array((
            "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n" +
            "Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-\(cl)\r\n" +
            "From: <sip:b@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\n" +
            "Call-ID: c\(cl)\r\nCSeq: 1 OPTIONS\r\n\(extra)Content-Length: \(cl)\r\n\r\n" + body).utf8)
    }

    private var decoder: SIPStreamFrameDecoder {
        SIPStreamFrameDecoder(acceptNoContentLength: false, limits: SIPParseLimits())
    }

    /// NIO's verifier feeds the input whole, byte by byte and in random chunks, and checks
    /// that every split yields the same messages.
    @Test func framesMessagesWhateverTheReadSizes() throws {
        let first = Self.options(0)
        let second = Self.options(12)
        var input = ByteBuffer(bytes: first)
        input.writeBytes(second)
        let decoder = self.decoder
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, [.message(first), .message(second)])],
            decoderFactory: { decoder })
    }

    @Test func pingIsReportedAndSkipped() throws {
        let message = Self.options(3)
        var input = ByteBuffer(bytes: Array("\r\n\r\n".utf8))
        input.writeBytes(message)
        let decoder = self.decoder
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, [.ping, .message(message)])],
            decoderFactory: { decoder })
    }

    @Test func missingContentLengthIsAFramingError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        let bytes = Array("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\nCall-ID: x\r\n\r\n".utf8)
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        let event = try channel.readInbound(as: StreamFrameEvent.self)
        guard case .framingError(let error, let head)? = event else {
            Issue.record("expected a framing error, got \(String(describing: event))")
            return
        }
        #expect(error.statusCode == 400)
        #expect(head == bytes)
        // Nothing after a framing error is trusted as a message.
        try channel.writeInbound(ByteBuffer(bytes: Self.options(0)))
        #expect(try channel.readInbound(as: StreamFrameEvent.self) == nil)
        _ = try? channel.finish()
    }

    @Test func acceptsNoContentLengthWhenConfigured() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(
            SIPStreamFrameDecoder(acceptNoContentLength: true, limits: SIPParseLimits())))
        let bytes = Array("GET /status HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(try channel.readInbound(as: StreamFrameEvent.self) == .message(bytes))
        _ = try? channel.finish()
    }

    @Test func oversizedHeaderSectionIsRefused() throws {
        let limits = SIPParseLimits(maxMessageSize: 1024, maxHeaderCount: 256)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(
            SIPStreamFrameDecoder(acceptNoContentLength: false, limits: limits)))
        let big = Array(("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nX-Big: " + String(repeating: "y", count: 4096)).utf8)
        try channel.writeInbound(ByteBuffer(bytes: big))
        let event = try channel.readInbound(as: StreamFrameEvent.self)
        guard case .framingError(let error, _)? = event else {
            Issue.record("expected a framing error, got \(String(describing: event))")
            return
        }
        #expect(error.statusCode == 513)
        _ = try? channel.finish()
    }
}
