// In-process runs of auth/auth_db scripts, with a client that answers challenges as a phone would.
import Foundation
import SIPCore
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

struct AuthScript {
    let harness: ScriptTestHarness
    let worker = WorkerScriptState()

    init?(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch ScriptTestHarness.load(text) {
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        case .success(let h):
            harness = h
        }
    }

    var auth: AuthModule? { harness.registry.module(named: "auth") as? AuthModule }

    func setClock(_ seconds: Int64) {
        auth?.clock.set { seconds }
    }

    func run(_ message: SIPMessage) -> ScriptTestHarness.Run {
        harness.run(message, worker: worker)
    }
}

/// The fields of a `WWW-Authenticate: Digest …` value.
struct Challenge {
    var realm = ""
    var nonce = ""
    var qop: String?
    var stale = false
    var algorithm: String?

    init?(_ value: String?) {
        guard let value, value.hasPrefix("Digest ") else { return nil }
        for part in value.dropFirst(7).split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            let v = kv[1].hasPrefix("\"") ? String(kv[1].dropFirst().dropLast()) : kv[1]
            switch kv[0] {
            case "realm": realm = v
            case "nonce": nonce = v
            case "qop": qop = v
            case "stale": stale = v == "true"
            case "algorithm": algorithm = v
            default: break
            }
        }
    }
}

/// A UA's answer to a challenge.
struct DigestClient {
    var username: String
    var password: String
    var algorithm: DigestAlgorithm = .md5
    var uri = "sip:example.com"
    var cnonce = "0a4f113b"

    func authorization(_ c: Challenge, nc: Int, method: String = "REGISTER", header: String = "Authorization") -> String {
        let ncText = String(repeating: "0", count: 8 - String(nc, radix: 16).count) + String(nc, radix: 16)
        let qop = c.qop != nil ? "auth" : nil
        let ha1 = algorithm.ha1(username: Array(username.utf8), realm: Array(c.realm.utf8), password: Array(password.utf8))
        let input = DigestResponseInput(algorithm: algorithm, ha1: ha1, nonce: Array(c.nonce.utf8), method: Array(method.utf8),
                                        uri: Array(uri.utf8), qop: qop.map { Array($0.utf8) }, nc: Array(ncText.utf8),
                                        cnonce: Array(cnonce.utf8))
        let response = String(decoding: input.expectedResponse(), as: UTF8.self)
        var text = "\(header): Digest username=\"\(username)\", realm=\"\(c.realm)\", nonce=\"\(c.nonce)\", uri=\"\(uri)\", response=\"\(response)\""
        if algorithm != .md5 { text += ", algorithm=\(algorithm.name)" }
        if qop != nil { text += ", qop=auth, nc=\(ncText), cnonce=\"\(cnonce)\"" }
        return text
    }
}

extension ScriptTestHarness {
    static func register(_ extra: [String] = []) -> SIPMessage {
        request(method: "REGISTER", uri: "sip:example.com", extra: ["Contact: <sip:bob@192.0.2.10:5060>"] + extra)
    }
}
