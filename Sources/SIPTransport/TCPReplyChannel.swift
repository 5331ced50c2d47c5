import NIOCore
import SIPCore

/// Writes replies back on the connection the request came in on (RFC 3261 §18.2.2).
/// Channel writes are thread-safe: NIO hops to the connection's event loop.
final class TCPReplyChannel: ReplyChannel, @unchecked Sendable {
    let channel: Channel

    init(channel: Channel) { self.channel = channel }

    func send(_ bytes: [UInt8]) {
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }
}
