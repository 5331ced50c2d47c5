// lookup("location") as Kamailio 5.6.3 does it: the first valid binding (highest q; equal q in
// registration order) becomes the R-URI, its Path's first hop or its received address $du,
// the others branches in the same order; -1 nothing registered, -2 none accepts the method.
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct LookupTests {
    @Test func theBestBindingBecomesTheRequestURIAndTheOthersBranches() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>;q=0.1"], callID: "a")
        script.register(contacts: ["<sip:bob@192.0.2.2>;q=0.9"], callID: "b")
        script.register(contacts: ["<sip:bob@192.0.2.3>"], callID: "c")
        script.register(contacts: ["<sip:bob@192.0.2.4>;q=0.9"], callID: "d")
        let run = script.run(RegistrarScript.invite())
        #expect(run.variable("rc").intValue == 1)
        #expect(run.newRequestURI == "sip:bob@192.0.2.2")
        #expect(run.context.branches.map(\.uri) == ["sip:bob@192.0.2.4", "sip:bob@192.0.2.1", "sip:bob@192.0.2.3"])
        #expect(run.context.branches.map(\.q) == [900, 100, nil])
    }

    @Test func withoutAppendBranchesOnlyTheBestIsUsed() {
        guard let script = RegistrarScript(parameters: "modparam(\"registrar\", \"append_branches\", 0)") else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>;q=0.1", "<sip:bob@192.0.2.2>;q=0.2"])
        let run = script.run(RegistrarScript.invite())
        #expect(run.newRequestURI == "sip:bob@192.0.2.2")
        #expect(run.context.branches.isEmpty)
    }

    @Test func unknownUsersAreNotFound() {
        guard let script = RegistrarScript() else { return }
        let run = script.run(RegistrarScript.invite(user: "nobody"))
        #expect(run.variable("rc").intValue == -1)
        #expect(run.newRequestURI == nil)
    }

    @Test func receivedAndPathSetTheDestination() {
        let parameters = """
            modparam("registrar", "use_path", 1)
            modparam("registrar", "path_mode", 0)
            """
        guard let script = RegistrarScript(parameters: parameters) else { return }
        script.register(contacts: ["<sip:bob@10.0.0.5>;received=\"sip:198.51.100.7:4000\""])
        let run = script.run(RegistrarScript.invite())
        #expect(run.newRequestURI == "sip:bob@10.0.0.5")
        #expect(run.context.destinationURI == "sip:198.51.100.7:4000")

        script.register(user: "eve", contacts: ["<sip:eve@10.0.0.6>"], extra: ["Path: <sip:edge.example.net;lr>"])
        let viaPath = script.run(RegistrarScript.invite(user: "eve"))
        #expect(viaPath.newRequestURI == "sip:eve@10.0.0.6")
        #expect(viaPath.context.destinationURI == "sip:edge.example.net;lr")
        #expect(viaPath.context.pathVector == "<sip:edge.example.net;lr>")
    }

    @Test func methodFilteringSkipsContactsThatDoNotAllowTheMethod() {
        guard let script = RegistrarScript(parameters: "modparam(\"registrar\", \"method_filtering\", 1)") else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>"], extra: ["Allow: INVITE, ACK, BYE"])
        let invite = script.run(RegistrarScript.invite())
        #expect(invite.variable("rc").intValue == 1)
        let message = script.run(RegistrarScript.invite(method: "MESSAGE"))
        #expect(message.variable("rc").intValue == -2)
    }

    @Test func registeredAndUnregister() {
        let routes = """
            request_route {
                if (method == "REGISTER") { $var(rc) = save("location"); exit; }
                $var(before) = registered("location");
                $var(gone) = unregister("location", "sip:bob@example.com");
                $var(after) = registered("location");
                $var(missing) = unregister("location", "", "no-such-ruid");
            }
            """
        guard let script = RegistrarScript(routes) else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>"])
        let run = script.run(RegistrarScript.invite())
        #expect(run.variable("before").intValue == 1)
        #expect(run.variable("gone").intValue == 1)
        #expect(run.variable("after").intValue == -1)
        #expect(run.variable("missing").intValue == -3)
    }

    @Test func fetchedContactsAreReadThroughULC() {
        let routes = """
            request_route {
                if (method == "REGISTER") { $var(rc) = save("location"); exit; }
                $var(found) = reg_fetch_contacts("location", "sip:bob@example.com", "callee");
                $var(count) = $ulc(callee=>count);
                $var(first) = $(ulc(callee=>addr)[0]);
                $var(second) = $(ulc(callee=>addr)[1]);
                $var(q) = $ulc(callee=>q);
                reg_free_contacts("callee");
                $var(after) = $ulc(callee=>count);
            }
            """
        guard let script = RegistrarScript(routes) else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>;q=0.3", "<sip:bob@192.0.2.2>;q=0.7"])
        let run = script.run(RegistrarScript.invite())
        #expect(run.variable("found").intValue == 1)
        #expect(run.variable("count").intValue == 2)
        #expect(run.variable("first").stringValue == "sip:bob@192.0.2.2")
        #expect(run.variable("second").stringValue == "sip:bob@192.0.2.1")
        #expect(run.variable("q").intValue == 700)
        #expect(run.variable("after").isNull || run.variable("after").intValue == 0)
    }
}
