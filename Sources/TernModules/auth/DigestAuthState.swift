import TernScript

/// What the authentication functions learned about one message that the next challenge needs:
/// whether the nonce offered was stale (the challenge then says stale=true, RFC 7616 §3.3).
/// The credentials header accepted is kept with the authorized user (AuthorizedCredentials),
/// so a successful check writes one context slot, not two.
struct DigestAuthState {
    var stale = false

    static let key = ScriptContextKey<DigestAuthState>()
}
