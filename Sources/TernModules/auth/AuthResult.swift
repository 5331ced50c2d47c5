/// Return codes of the authentication functions, as Kamailio's auth API defines them.
enum AuthResult: Int, Sendable {
    case authenticated = 1
    case error = -1
    case invalidPassword = -2
    case userUnknown = -3
    case staleNonce = -4
    case noCredentials = -5
    case nonceReused = -6
    case userMismatch = -8
}
