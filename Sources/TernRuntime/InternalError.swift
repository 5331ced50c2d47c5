import TernScript

/// The last internal error met while handling a message (Kamailio's `ser_error`), which
/// `sl_reply_error()` turns into a reply. Functions that fail for a reason the sender should
/// hear about record it here.
public struct InternalError: Sendable, Equatable {
    public var code: Int
    public var reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let key = ScriptContextKey<InternalError>()
}
