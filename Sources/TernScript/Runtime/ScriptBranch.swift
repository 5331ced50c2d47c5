/// One extra branch of the destination set: where a request forks to besides the R-URI.
public struct ScriptBranch: Sendable, Equatable {
    public var uri: String
    public var destinationURI: String?
    public var path: String?
    /// q-value in thousandths (1.0 = 1000); nil when none was given.
    public var q: Int?
    public var flags: UInt32
    /// The socket to send from, as `proto:ip:port`, when forced.
    public var socket: String?

    public init(uri: String, destinationURI: String? = nil, path: String? = nil, q: Int? = nil,
                flags: UInt32 = 0, socket: String? = nil) {
        self.uri = uri
        self.destinationURI = destinationURI
        self.path = path
        self.q = q
        self.flags = flags
        self.socket = socket
    }
}

/// Per-message choices about how replies and forwarded requests are sent.
public struct SendOptions: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `force_rport()`: reply to the source port as if the top Via had `;rport` (RFC 3581).
    public static let forceRport = SendOptions(rawValue: 1)
    /// `add_local_rport()`: add `;rport` to the Via Tern inserts when forwarding.
    public static let addLocalRport = SendOptions(rawValue: 2)
    /// `set_reply_close()`: close the stream connection after the reply.
    public static let closeAfterReply = SendOptions(rawValue: 4)
    /// `set_reply_no_connect()`: never open a new connection to send the reply.
    public static let replyNoConnect = SendOptions(rawValue: 8)
    /// `set_forward_close()` / `set_forward_no_connect()`.
    public static let closeAfterForward = SendOptions(rawValue: 16)
    public static let forwardNoConnect = SendOptions(rawValue: 32)
}
