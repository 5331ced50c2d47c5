import TernRuntime
import TernScript

/// auth_db checks passwords with auth's nonces and settings (Kamailio binds auth's API the same
/// way): auth registers its authenticator for the server it configures, auth_db finds it here.
enum DigestAuthDirectory {
    private static let lock = Lock()
    nonisolated(unsafe) private static var entries: [(services: WeakServices, authenticator: DigestAuthenticator)] = []

    private struct WeakServices {
        weak var value: RuntimeServices?
    }

    static func register(_ authenticator: DigestAuthenticator, for services: RuntimeServices) {
        lock.withLock {
            entries.removeAll { $0.services.value == nil || $0.services.value === services }
            entries.append((WeakServices(value: services), authenticator))
        }
    }

    static func authenticator(for services: RuntimeServices) -> DigestAuthenticator? {
        lock.withLock { entries.first { $0.services.value === services }?.authenticator }
    }
}
