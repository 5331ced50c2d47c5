// auth with passwords from the script, as register-auth.cfg uses it: challenge, answer, replay,
// wrong password, expired nonce — each through compiled routes on real messages.
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct AuthModuleTests {
    static let config = """
        loadmodule "sl.so"
        loadmodule "pv.so"
        loadmodule "auth.so"
        loadmodule "siputils.so"
        modparam("auth", "secret", "unit-test-secret")
        request_route {
            $var(rc) = pv_www_authenticate("$td", "pw-bob", "0");
            if ($var(rc) != 1) {
                www_challenge("$td", "1");
                exit;
            }
            $var(isuser) = is_user("bob");
            $var(au) = $au;
            consume_credentials();
        }
        """

    private func challenge(_ script: AuthScript, _ extra: [String] = []) -> (Int, Challenge?) {
        let run = script.run(ScriptTestHarness.register(extra))
        let reply = run.replies.first
        #expect(reply?.statusCode == 401)
        return (run.variable("rc").intValue, Challenge(reply?.value(of: "WWW-Authenticate")))
    }

    @Test func challengeThenAuthorize() throws {
        guard let script = AuthScript(Self.config) else { return }
        script.setClock(1_000_000)
        let (rc, c) = challenge(script)
        #expect(rc == AuthResult.noCredentials.rawValue)
        let first = try #require(c)
        #expect(first.realm == "example.com")
        #expect(first.qop == "auth")
        #expect(!first.stale)
        #expect(first.nonce.count == 40)

        let client = DigestClient(username: "bob", password: "pw-bob")
        let run = script.run(ScriptTestHarness.register([client.authorization(first, nc: 1)]))
        #expect(run.variable("rc").intValue == 1)
        #expect(run.replies.isEmpty)
        #expect(run.variable("isuser").intValue == 1)
        #expect(run.variable("au").stringValue == "bob")
        // consume_credentials removed the header that was accepted.
        #expect(!(try run.edited).contains("Authorization:"))

        // The next request on the same nonce with a higher nc is fine (RFC 2617 §3.2.2).
        let second = script.run(ScriptTestHarness.register([client.authorization(first, nc: 2)]))
        #expect(second.variable("rc").intValue == 1)
    }

    @Test func replayedAuthorizationIsRefused() throws {
        guard let script = AuthScript(Self.config) else { return }
        script.setClock(1_000_000)
        let c = try #require(challenge(script).1)
        let header = DigestClient(username: "bob", password: "pw-bob").authorization(c, nc: 1)
        #expect(script.run(ScriptTestHarness.register([header])).variable("rc").intValue == 1)
        let replay = script.run(ScriptTestHarness.register([header]))
        #expect(replay.variable("rc").intValue == AuthResult.nonceReused.rawValue)
        // The client is told to take a new nonce without asking the user again.
        let again = try #require(Challenge(replay.replies.first?.value(of: "WWW-Authenticate")))
        #expect(again.stale)
        #expect(again.nonce != c.nonce)
    }

    @Test func wrongPasswordIsRefused() throws {
        guard let script = AuthScript(Self.config) else { return }
        script.setClock(1_000_000)
        let c = try #require(challenge(script).1)
        let run = script.run(ScriptTestHarness.register([DigestClient(username: "bob", password: "guess").authorization(c, nc: 1)]))
        #expect(run.variable("rc").intValue == AuthResult.invalidPassword.rawValue)
        let again = try #require(Challenge(run.replies.first?.value(of: "WWW-Authenticate")))
        #expect(!again.stale)
    }

    @Test func expiredNonceGetsStaleChallenge() throws {
        guard let script = AuthScript(Self.config) else { return }
        script.setClock(1_000_000)
        let c = try #require(challenge(script).1)
        let header = DigestClient(username: "bob", password: "pw-bob").authorization(c, nc: 1)
        script.setClock(1_000_000 + 301)
        let run = script.run(ScriptTestHarness.register([header]))
        #expect(run.variable("rc").intValue == AuthResult.staleNonce.rawValue)
        let again = try #require(Challenge(run.replies.first?.value(of: "WWW-Authenticate")))
        #expect(again.stale)
        // A nonce from another secret (another server, or before a restart) is an error, not stale.
        var forged = c
        forged.nonce = String(c.nonce.reversed())
        script.setClock(1_000_000)
        let bad = script.run(ScriptTestHarness.register([DigestClient(username: "bob", password: "pw-bob").authorization(forged, nc: 1)]))
        #expect(bad.variable("rc").intValue == AuthResult.error.rawValue)
    }

    @Test func sha256WhenConfigured() throws {
        guard let script = AuthScript(Self.config.replacingOccurrences(
            of: "modparam(\"auth\", \"secret\", \"unit-test-secret\")",
            with: "modparam(\"auth\", \"secret\", \"unit-test-secret\")\nmodparam(\"auth\", \"algorithm\", \"SHA-256\")")) else { return }
        let c = try #require(challenge(script).1)
        #expect(c.algorithm == "SHA-256")
        var client = DigestClient(username: "bob", password: "pw-bob")
        client.algorithm = .sha256
        #expect(script.run(ScriptTestHarness.register([client.authorization(c, nc: 1)])).variable("rc").intValue == 1)
    }

    @Test func credentialsForAnotherRealmDoNotCount() throws {
        guard let script = AuthScript(Self.config) else { return }
        var c = try #require(challenge(script).1)
        c.realm = "elsewhere.example"
        let run = script.run(ScriptTestHarness.register([DigestClient(username: "bob", password: "pw-bob").authorization(c, nc: 1)]))
        #expect(run.variable("rc").intValue == AuthResult.noCredentials.rawValue)
    }

    @Test func malformedCredentialsGet400() {
        guard let script = AuthScript(Self.config) else { return }
        let run = script.run(ScriptTestHarness.register(["Authorization: Digest realm=\"example.com\", nonce=\"x\""]))
        #expect(run.variable("rc").intValue == AuthResult.error.rawValue)
        #expect(run.replies.first?.statusCode == 400)
    }

    @Test func ha1FlagAndProxyAuthenticate() throws {
        let ha1 = DigestAlgorithm.md5.ha1Text(username: "alice", realm: "atlanta.example.com", password: "pw-a")
        guard let script = AuthScript("""
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "auth.so"
            request_route {
                $var(rc) = pv_proxy_authenticate("$fd", "\(ha1)", "1");
                if ($var(rc) != 1) { proxy_challenge("$fd", "0"); exit; }
                $var(has) = has_credentials("atlanta.example.com");
            }
            """) else { return }
        let first = script.run(ScriptTestHarness.request(method: "INVITE"))
        #expect(first.replies.first?.statusCode == 407)
        let c = try #require(Challenge(first.replies.first?.value(of: "Proxy-Authenticate")))
        #expect(c.qop == nil)
        var client = DigestClient(username: "alice", password: "pw-a")
        client.uri = "sip:bob@example.com"
        let header = client.authorization(c, nc: 1, method: "INVITE", header: "Proxy-Authorization")
        let run = script.run(ScriptTestHarness.request(method: "INVITE", extra: [header]))
        #expect(run.variable("rc").intValue == 1)
        #expect(run.variable("has").intValue == 1)
    }

    @Test func authGetWWWAuthenticateStoresTheHeaderLine() {
        guard let script = AuthScript("""
            loadmodule "pv.so"
            loadmodule "auth.so"
            request_route {
                auth_get_www_authenticate("myrealm", "1", "$var(h)");
            }
            """) else { return }
        let text = script.run(ScriptTestHarness.request()).variable("h").stringValue
        #expect(text.hasPrefix("WWW-Authenticate: Digest realm=\"myrealm\", nonce=\""))
        #expect(text.hasSuffix(", qop=\"auth\"\r\n"))
    }

    @Test func badParametersAreConfigErrors() {
        for line in ["modparam(\"auth\", \"qop\", \"auth-conf\")", "modparam(\"auth\", \"algorithm\", \"SHA-1\")",
                     "modparam(\"auth\", \"nonce_expire\", 0)"] {
            let result = ScriptTestHarness.load("loadmodule \"auth.so\"\n\(line)\nrequest_route { exit; }")
            if case .success = result { Issue.record("\(line) must be refused") }
        }
    }

    @Test func challengeLeftInTheAVPWhenFlagsAskForIt() {
        guard let script = AuthScript("""
            loadmodule "pv.so"
            loadmodule "auth.so"
            modparam("auth", "challenge_attr", "$avp(chal)")
            request_route {
                $var(rc) = pv_www_authenticate("example.com", "pw", "4");
                $var(h) = $avp(chal);
            }
            """) else { return }
        let run = script.run(ScriptTestHarness.register())
        #expect(run.variable("rc").intValue == AuthResult.noCredentials.rawValue)
        let header = run.variable("h").stringValue
        #expect(header.hasPrefix("WWW-Authenticate: Digest realm=\"example.com\", nonce=\""))
        #expect(header.hasSuffix("qop=\"auth\"\r\n"))
        #expect(run.replies.isEmpty)
    }
}
