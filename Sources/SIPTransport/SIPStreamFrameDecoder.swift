import NIOCore
import SIPCore

/// What the stream framer hands up the pipeline.
enum StreamFrameEvent: Equatable {
    case message([UInt8])
    /// RFC 5626 §3.5.1: a CRLFCRLF ping, answered with a CRLF pong.
    case ping
    case framingError(SIPParseError, headerBytes: [UInt8])
}

/// Cuts a SIP byte stream into messages by Content-Length. The byte-level rules live in
/// SIPCore's `StreamFrameScanner`; this only moves bytes in and out of NIO buffers.
struct SIPStreamFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = StreamFrameEvent

    let acceptNoContentLength: Bool
    let limits: SIPParseLimits
    private var failed = false

    init(acceptNoContentLength: Bool, limits: SIPParseLimits) {
        self.acceptNoContentLength = acceptNoContentLength
        self.limits = limits
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        // After a framing error the stream has no message boundaries left to trust.
        if failed {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let frame = buffer.withUnsafeReadableBytes { raw in
            StreamFrameScanner.scan(raw, acceptNoContentLength: acceptNoContentLength, limits: limits)
        }
        switch frame {
        case .needMore:
            return .needMoreData
        case .keepAlive(let length):
            buffer.moveReaderIndex(forwardBy: length)
            if length >= 4 { context.fireChannelRead(wrapInboundOut(.ping)) }
            return .continue
        case .message(let length):
            guard let bytes = buffer.readBytes(length: length) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(.message(bytes)))
            return .continue
        case .error(let error):
            failed = true
            let head = buffer.readBytes(length: min(buffer.readableBytes, limits.maxMessageSize)) ?? []
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.framingError(error, headerBytes: head)))
            return .needMoreData
        }
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial message at EOF can never complete; drop it.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
