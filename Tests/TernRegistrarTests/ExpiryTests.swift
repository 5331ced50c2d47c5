// Bindings expire on usrloc's clock (injected here): an expired binding is neither listed nor
// looked up, and the timer round removes it and counts it in `location-expires`.
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct ExpiryTests {
    @Test func anExpiredBindingIsGoneForLookupsAndTheTimerRemovesIt() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>;expires=60", "<sip:bob@192.0.2.2>;expires=600"])
        script.clock.advance(59)
        #expect(script.run(RegistrarScript.invite()).context.branches.count == 1)
        script.clock.advance(2)
        let run = script.run(RegistrarScript.invite())
        #expect(run.newRequestURI == "sip:bob@192.0.2.2")
        #expect(run.context.branches.isEmpty)
        // Still stored until the timer runs.
        #expect(script.statistic("location-contacts") == 2)
        let gone = script.location?.timerTick() ?? []
        #expect(gone.map(\.contact.uri) == ["sip:bob@192.0.2.1"])
        #expect(script.statistic("location-contacts") == 1)
        #expect(script.statistic("location-expires") == 1)
        script.clock.advance(600)
        script.location?.timerTick()
        #expect(script.statistic("location-users") == 0)
        #expect(script.run(RegistrarScript.invite()).variable("rc").intValue == -1)
    }

    @Test func theReplyShowsTheSecondsLeft() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:a@192.0.2.1>"], callID: "a", expires: 600)
        script.clock.advance(100)
        let (reply, _) = script.register(contacts: ["<sip:b@192.0.2.2>"], callID: "b", expires: 600)
        #expect(RegistrarScript.contacts(reply) == ["<sip:a@192.0.2.1>;expires=500", "<sip:b@192.0.2.2>;expires=600"])
        script.clock.advance(550)
        let (later, _) = script.register(contacts: [], callID: "b", cseq: 2)
        #expect(RegistrarScript.contacts(later) == ["<sip:b@192.0.2.2>;expires=50"])
    }
}

@Suite struct ContactExpiredEventTests {
    @Test func theEventRouteSeesEachExpiredBinding() {
        let routes = RegistrarScript.standardRoutes + """

            event_route[usrloc:contact-expired] {
                $var(expired) = $var(expired) + 1;
                $var(last) = $ulc(exp=>aor) + " " + $ulc(exp=>addr);
            }
            """
        guard let script = RegistrarScript(routes) else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>;expires=60"])
        script.register(user: "alice", contacts: ["<sip:alice@192.0.2.2>;expires=600"])
        script.clock.advance(61)
        let gone = script.location?.timerTick() ?? []
        let worker = WorkerScriptState()
        ContactExpiredEvent.run(gone, now: script.clock.now, script: script.harness.config.script, services: script.services, worker: worker)
        #expect(worker.variable(named: "expired").intValue == 1)
        #expect(worker.variable(named: "last").stringValue == "bob sip:bob@192.0.2.1")
    }
}
