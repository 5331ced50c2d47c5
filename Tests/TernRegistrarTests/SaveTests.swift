// save("location") against RFC 3261 §10.3 as Kamailio 5.6.3 answers it (checked on the same
// REGISTERs): one Contact line listing every binding with the seconds it has left, `;q=` only
// when set; CSeq not above the stored one for the same Call-ID → 400 "Invalid CSeq number"
// (with the current bindings); too many contacts → 503; `*` needs Expires: 0.
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct SaveTests {
    @Test func aNewBindingIsStoredAndListed() {
        guard let script = RegistrarScript() else { return }
        let (reply, code) = script.register(contacts: ["<sip:bob@192.0.2.10:5060>;q=0.5"], expires: 1800)
        #expect(reply?.statusCode == 200)
        #expect(code == 1)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.10:5060>;q=0.5;expires=1800"])
        #expect(script.statistic("location-users") == 1)
        #expect(script.statistic("location_contacts") == 1)
        #expect(script.statistic("registered_users") == 1)
        #expect(script.statistic("accepted_regs") == 1)
    }

    @Test func expiresComesFromTheParameterThenTheHeaderThenTheDefault() {
        guard let script = RegistrarScript() else { return }
        let (reply, _) = script.register(
            contacts: ["<sip:a@192.0.2.1>;expires=120", "<sip:b@192.0.2.2>"], expires: 600)
        #expect(RegistrarScript.contacts(reply) == ["<sip:a@192.0.2.1>;expires=120", "<sip:b@192.0.2.2>;expires=600"])
        let (other, _) = script.register(user: "carol", contacts: ["<sip:c@192.0.2.3>"])
        #expect(RegistrarScript.contacts(other) == ["<sip:c@192.0.2.3>;expires=3600"])
    }

    @Test func aRefreshKeepsOneBindingWithTheNewExpiry() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>"], cseq: 1, expires: 3600)
        script.clock.advance(1000)
        let (reply, code) = script.register(contacts: ["<sip:bob@192.0.2.10>"], cseq: 2, expires: 300)
        #expect(code == 2)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.10>;expires=300"])
        #expect(script.statistic("location-contacts") == 1)
    }

    @Test func anotherDeviceAddsASecondBindingOrderedByQ() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>;q=0.5"], callID: "desk")
        let (reply, _) = script.register(contacts: ["<sip:bob@192.0.2.20>;q=1"], callID: "phone")
        #expect(RegistrarScript.contacts(reply) == [
            "<sip:bob@192.0.2.20>;q=1;expires=3600", "<sip:bob@192.0.2.10>;q=0.5;expires=3600",
        ])
    }

    @Test func expiresZeroRemovesOneBinding() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>", "<sip:bob@192.0.2.11>"], cseq: 1)
        let (reply, code) = script.register(contacts: ["<sip:bob@192.0.2.10>;expires=0"], cseq: 2)
        #expect(reply?.statusCode == 200)
        #expect(code == 3)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.11>;expires=3600"])
    }

    @Test func starWithExpiresZeroRemovesEverything() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>", "<sip:bob@192.0.2.11>"], cseq: 1)
        let (reply, code) = script.register(contacts: ["*"], cseq: 2, expires: 0)
        #expect(reply?.statusCode == 200)
        #expect(code == 3)
        #expect(reply?.values(of: "Contact") == [])
        #expect(script.statistic("location-users") == 0)
        #expect(script.statistic("location-contacts") == 0)
    }

    @Test func starNeedsExpiresZeroAndMustStandAlone() {
        guard let script = RegistrarScript() else { return }
        let (reply, code) = script.register(contacts: ["*"], expires: 5)
        #expect(reply?.statusCode == 400)
        #expect(reply?.value(of: "P-Registrar-Error") == "* used in contact and expires is not zero")
        #expect(code == -1)
        let (mixed, _) = script.register(contacts: ["*", "<sip:bob@192.0.2.10>"], expires: 0)
        #expect(mixed?.statusCode == 400)
        #expect(mixed?.value(of: "P-Registrar-Error") == "* used in contact and more than 1 contact")
        #expect(script.statistic("rejected_regs") == 2)
    }

    @Test func noContactIsAQueryOfTheBindings() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>"], cseq: 1)
        let (reply, code) = script.register(contacts: [], cseq: 2)
        #expect(code == 4)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.10>;expires=3600"])
    }

    @Test func shortExpiriesAreRaisedOrRefusedWith423() {
        guard let raising = RegistrarScript(parameters: "modparam(\"registrar\", \"min_expires\", 120)") else { return }
        let (raised, _) = raising.register(contacts: ["<sip:bob@192.0.2.10>"], expires: 30)
        #expect(RegistrarScript.contacts(raised) == ["<sip:bob@192.0.2.10>;expires=120"])

        guard let refusing = RegistrarScript(parameters: """
            modparam("registrar", "min_expires", 120)
            modparam("registrar", "min_expires_mode", 1)
            """) else { return }
        let (reply, code) = refusing.register(contacts: ["<sip:bob@192.0.2.10>"], expires: 30)
        #expect(reply?.statusCode == 423)
        #expect(reply?.reasonPhrase == "Interval Too Brief")
        #expect(reply?.value(of: "Min-Expires") == "120")
        #expect(code == -1)
        #expect(refusing.statistic("location-contacts") == 0)
        // Removal is never "too brief".
        let (removal, _) = refusing.register(contacts: ["<sip:bob@192.0.2.10>"], cseq: 2, expires: 0)
        #expect(removal?.statusCode == 200)
    }

    @Test func longExpiriesAreCappedAtMaxExpires() {
        guard let script = RegistrarScript(parameters: "modparam(\"registrar\", \"max_expires\", 900)") else { return }
        let (reply, _) = script.register(contacts: ["<sip:bob@192.0.2.10>"], expires: 7200)
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@192.0.2.10>;expires=900"])
    }

    @Test func expiresRangeShortensAtRandomButNeverLengthens() {
        let routes = """
            request_route {
                if ($hdr(X-Exact) == "yes") { $var(rc) = save("location", "0x08"); exit; }
                $var(rc) = save("location");
            }
            """
        guard let script = RegistrarScript(routes, parameters: "modparam(\"registrar\", \"expires_range\", 50)") else { return }
        for i in 1...20 {
            let (reply, _) = script.register(user: "u\(i)", contacts: ["<sip:u\(i)@192.0.2.1>"], expires: 1000)
            let granted = RegistrarScript.contacts(reply).first.flatMap { Int($0.split(separator: "=").last ?? "") }
            #expect(granted.map { (500...1000).contains($0) } == true, "\(String(describing: reply))")
        }
        // Flag 0x08: no variation.
        let (exact, _) = script.register(user: "x", contacts: ["<sip:x@192.0.2.1>"], expires: 1000, extra: ["X-Exact: yes"])
        #expect(RegistrarScript.contacts(exact) == ["<sip:x@192.0.2.1>;expires=1000"])
        #expect(script.statistic("expires_range") == 50)
    }

    @Test func maxContactsRefusesTheOneTooMany() {
        guard let script = RegistrarScript(parameters: "modparam(\"registrar\", \"max_contacts\", 2)") else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>", "<sip:bob@192.0.2.11>"], callID: "a")
        let (reply, code) = script.register(contacts: ["<sip:bob@192.0.2.12>"], callID: "b")
        #expect(reply?.statusCode == 503)
        #expect(reply?.value(of: "P-Registrar-Error") == "Too many registered contacts")
        #expect(code == -2)
        #expect(RegistrarScript.contacts(reply).count == 2)
        // Replacing one (remove + add in one REGISTER) stays within the limit.
        let (swap, _) = script.register(contacts: ["<sip:bob@192.0.2.10>;expires=0", "<sip:bob@192.0.2.12>"], callID: "a", cseq: 2)
        #expect(swap?.statusCode == 200)
        #expect(Set(RegistrarScript.contacts(swap)) == ["<sip:bob@192.0.2.11>;expires=3600", "<sip:bob@192.0.2.12>;expires=3600"])
        // Too many in a first REGISTER too.
        let (first, _) = script.register(user: "dave", contacts: ["<sip:d@1.1.1.1>", "<sip:d@1.1.1.2>", "<sip:d@1.1.1.3>"])
        #expect(first?.statusCode == 503)
        #expect(script.location.map { l in (try? l.table(named: "location").read("dave") { $0 == nil }) ?? false } == true)
    }

    @Test func outOfOrderCSeqIsRefusedAndARetransmissionChangesNothing() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.10>"], callID: "x", cseq: 5, expires: 600)
        let (lower, code) = script.register(contacts: ["<sip:bob@192.0.2.10>"], callID: "x", cseq: 4, expires: 100)
        #expect(lower?.statusCode == 400)
        #expect(lower?.value(of: "P-Registrar-Error") == "Invalid CSeq number")
        #expect(code == -1)
        #expect(RegistrarScript.contacts(lower) == ["<sip:bob@192.0.2.10>;expires=600"])
        // The same CSeq again soon after: a retransmission, answered with the bindings as they are.
        script.clock.advance(5)
        let (again, _) = script.register(contacts: ["<sip:bob@192.0.2.10>"], callID: "x", cseq: 5, expires: 100)
        #expect(again?.statusCode == 200)
        #expect(RegistrarScript.contacts(again) == ["<sip:bob@192.0.2.10>;expires=595"])
        // The same CSeq after cseq_delay (20 s): refused.
        script.clock.advance(30)
        let (late, _) = script.register(contacts: ["<sip:bob@192.0.2.10>"], callID: "x", cseq: 5, expires: 100)
        #expect(late?.statusCode == 400)
        // Another Call-ID is another client: any CSeq goes.
        let (other, _) = script.register(contacts: ["<sip:bob@192.0.2.10>"], callID: "y", cseq: 1, expires: 100)
        #expect(other?.statusCode == 200)
        #expect(RegistrarScript.contacts(other) == ["<sip:bob@192.0.2.10>;expires=100"])
    }

    @Test func pathIsStoredAndReturnedToAUAThatSupportsIt() {
        let parameters = """
            modparam("registrar", "use_path", 1)
            modparam("registrar", "path_mode", 2)
            """
        guard let script = RegistrarScript(parameters: parameters) else { return }
        let (reply, _) = script.register(
            contacts: ["<sip:bob@10.0.0.5:5060>"],
            extra: ["Path: <sip:edge1.example.net;lr>", "Path: <sip:edge2.example.net;lr>", "Supported: path"])
        #expect(reply?.statusCode == 200)
        #expect(reply?.value(of: "Path") == "<sip:edge1.example.net;lr>,<sip:edge2.example.net;lr>")
        let stored = try? script.table?.read("bob") { $0?.contacts.first?.path }
        #expect(stored == "<sip:edge1.example.net;lr>,<sip:edge2.example.net;lr>")
        // Strict mode: a Path the UA did not say it supports gets 420.
        let (strict, _) = script.register(user: "eve", contacts: ["<sip:eve@10.0.0.6>"], extra: ["Path: <sip:edge1.example.net;lr>"])
        #expect(strict?.statusCode == 420)
        #expect(strict?.value(of: "Unsupported") == "path")
    }

    @Test func theReceivedParameterAndAVPAreStoredAndListed() {
        let routes = """
            request_route {
                $avp(RECEIVED) = "sip:198.51.100.7:40000";
                $var(rc) = save("location");
            }
            """
        guard let script = RegistrarScript(routes, parameters: "modparam(\"registrar\", \"received_avp\", \"$avp(RECEIVED)\")") else { return }
        let (reply, _) = script.register(contacts: ["<sip:bob@10.0.0.5:5060>"])
        #expect(RegistrarScript.contacts(reply) == ["<sip:bob@10.0.0.5:5060>;expires=3600;received=\"sip:198.51.100.7:40000\""])
    }

    @Test func flagTwoSendsNoReply() {
        let routes = """
            request_route {
                $var(rc) = save("location", "0x02");
            }
            """
        guard let script = RegistrarScript(routes) else { return }
        let run = script.run(RegistrarScript.register(contacts: ["<sip:bob@192.0.2.10>"]))
        #expect(run.replies.isEmpty)
        #expect(run.variable("rc").intValue == 1)
        #expect(script.statistic("location-contacts") == 1)
    }

    @Test func theAORIsTheUserUnlessUseDomain() {
        guard let plain = RegistrarScript() else { return }
        plain.register(user: "Bob", contacts: ["<sip:bob@192.0.2.10>"])
        #expect((try? plain.table?.read("bob") { $0 != nil }) == true)
        guard let domains = RegistrarScript(parameters: "modparam(\"usrloc\", \"use_domain\", 1)") else { return }
        domains.register(contacts: ["<sip:bob@192.0.2.10>"])
        #expect((try? domains.table?.read("bob@example.com") { $0 != nil }) == true)
    }

    @Test func badInputGetsA400WithTheReason() {
        guard let script = RegistrarScript() else { return }
        let (badQ, _) = script.register(contacts: ["<sip:bob@192.0.2.10>;q=7"])
        #expect(badQ?.statusCode == 400)
        #expect(badQ?.value(of: "P-Registrar-Error") == "Invalid q param in contact")
        let (badExpires, _) = script.register(contacts: ["<sip:bob@192.0.2.10>"], extra: ["Expires: soon"])
        #expect(badExpires?.statusCode == 400)
        #expect(badExpires?.value(of: "P-Registrar-Error") == "Expires parse error")
        let (badContact, _) = script.register(contacts: ["<sip:bob@192.0.2.10"])
        #expect(badContact?.statusCode == 400)
        #expect(badContact?.value(of: "P-Registrar-Error") == "Contact parse error")
    }

    @Test func aTableNameMustBeConstant() {
        let text = """
            loadmodule "usrloc.so"
            loadmodule "registrar.so"
            request_route { save("$rU"); }
            """
        guard case .failure(let list) = ScriptTestHarness.load(text) else {
            Issue.record("a dynamic table name was accepted")
            return
        }
        #expect(list.errors.contains { $0.message.contains("table name must be a constant") })
    }
}
