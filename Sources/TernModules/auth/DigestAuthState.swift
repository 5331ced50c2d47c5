import TernScript

/// What the authentication functions learned about one message: which credentials header was
/// accepted (consume_credentials removes it) and whether the nonce offered was stale (the next
/// challenge then says stale=true, RFC 7616 §3.3).
struct DigestAuthState {
    var authorizedHeaderIndex: Int?
    var stale = false

    static let key = ScriptContextKey<DigestAuthState>()
}
