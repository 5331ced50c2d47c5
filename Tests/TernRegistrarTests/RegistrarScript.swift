// Runs configs that load usrloc and registrar on REGISTER and INVITE messages in process
// (ScriptTestHarness), with usrloc's clock under the test's control.
import Foundation
import SIPCore
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = Lock()
    private var seconds: Int

    init(_ seconds: Int = 1_800_000_000) { self.seconds = seconds }

    var now: Int { lock.withLock { seconds } }
    func advance(_ delta: Int) { lock.withLock { seconds += delta } }
}

struct RegistrarScript {
    static let standardRoutes = """
        request_route {
            if (method == "REGISTER") {
                $var(rc) = save("location");
                exit;
            }
            $var(rc) = lookup("location");
            $var(ru) = $ru;
            $var(du) = $du;
        }
        """

    let harness: ScriptTestHarness
    let clock = ManualClock()
    var services: RuntimeServices { harness.services }
    let worker = WorkerScriptState()

    init?(_ routes: String = RegistrarScript.standardRoutes, parameters: String = "",
          sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let text = """
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "usrloc.so"
            loadmodule "registrar.so"
            \(parameters)
            \(routes)
            """
        switch ScriptTestHarness.load(text) {
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        case .success(let harness):
            self.harness = harness
        }
        let clock = clock
        location?.setClock { clock.now }
    }

    var usrloc: UsrlocModule? { harness.registry.module(named: "usrloc") as? UsrlocModule }
    var location: UserLocation? { usrloc?.location }
    var table: LocationTable? { location?.existingTable(named: "location") }

    func run(_ message: SIPMessage, worker: WorkerScriptState? = nil) -> ScriptTestHarness.Run {
        harness.run(message, worker: worker ?? self.worker)
    }

    /// Sends a REGISTER and returns the reply (nil when none was sent) with save()'s code.
    @discardableResult
    func register(
        user: String = "bob", contacts: [String], callID: String = "call-1@ua", cseq: Int = 1, expires: Int? = nil,
        extra: [String] = [], worker: WorkerScriptState? = nil
    ) -> (reply: SIPReply?, code: Int) {
        let message = Self.register(user: user, contacts: contacts, callID: callID, cseq: cseq, expires: expires, extra: extra)
        let run = run(message, worker: worker)
        return (run.replies.last, run.variable("rc").intValue)
    }

    static func register(
        user: String = "bob", contacts: [String], callID: String = "call-1@ua", cseq: Int = 1, expires: Int? = nil,
        extra: [String] = []
    ) -> SIPMessage {
        var lines = [
            "REGISTER sip:example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(callID)-\(cseq)",
            "Max-Forwards: 70",
            "From: <sip:\(user)@example.com>;tag=reg\(cseq)",
            "To: <sip:\(user)@example.com>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) REGISTER",
        ]
        lines += contacts.map { "Contact: \($0)" }
        if let expires { lines.append("Expires: \(expires)") }
        return ScriptTestHarness.message(lines + extra)
    }

    static func invite(user: String = "bob", method: String = "INVITE") -> SIPMessage {
        ScriptTestHarness.request(method: method, uri: "sip:\(user)@example.com")
    }

    /// The Contact values of a reply, split at the commas between them.
    static func contacts(_ reply: SIPReply?) -> [String] {
        guard let reply else { return [] }
        return reply.values(of: "Contact").flatMap { $0.components(separatedBy: ", ") }
    }

    func statistic(_ name: String) -> Int? { services.statistics.lookup(name)?.current }
}
