/// What a credential source knows about a user: the password itself, or HA1 already hashed
/// (for the algorithm the client uses; subscriber.ha1/ha1b hold MD5 ones).
enum DigestSecret: Sendable {
    case password(String)
    /// Hex, in either case.
    case ha1(String)
}

/// The user the client claims, as the credential source sees it.
struct DigestIdentity {
    /// The `username` parameter as sent (`alice` or `alice@example.com`).
    var username: String
    /// The realm of the credentials (the realm we challenged with).
    var realm: String
}

/// A credential lookup's answer: the secret, no such user (-3), or a failed lookup (-1).
enum DigestSecretLookup {
    case found(DigestSecret)
    case unknownUser
    case failed
}
