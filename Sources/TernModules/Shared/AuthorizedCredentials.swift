// Shared between the authentication functions and siputils' is_user(): which credentials of
// the request were checked successfully (Kamailio marks the Authorization/Proxy-Authorization
// header it accepted). Set by whatever authorizes the request; nil until then.
import TernScript

struct AuthorizedCredentials: Sendable, Equatable {
    /// The digest `username` as sent (`alice` or `alice@example.com`).
    var username: String
    /// Which header of the request held them (consume_credentials removes it).
    var headerIndex: Int? = nil

    /// The user part of the username: what is_user() compares.
    var user: Substring {
        username.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(username)
    }

    static let key = ScriptContextKey<AuthorizedCredentials>()
}
