// usrloc's management commands: ul.dump / ul.lookup / ul.add / ul.rm / ul.rm_contact, and SER's
// FIFO ul_show_contact (`<sip:…>;q=0.00;expires=N` lines, as the seed shows), ul_add, ul_rm.
import TernRuntime
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct CommandTests {
    private func call(_ script: RegistrarScript, _ method: String, _ parameters: [String], transport: RPCTransport = .jsonRPC) -> RPCResponder.Outcome {
        guard let usrloc = script.usrloc else { return .failure(RPCError.failed("no usrloc")) }
        let registry = RPCRegistry()
        registry.register(usrloc.rpcCommands)
        return registry.call(RPCRequest(method: method, parameters: parameters.map { .string($0) }, transport: transport))
    }

    @Test func dumpListsEveryAOR() {
        guard let script = RegistrarScript() else { return }
        for i in 1...5 { script.register(user: "user\(i)", contacts: ["<sip:user\(i)@192.0.2.\(i)>"]) }
        guard case .success(let value, _) = call(script, "ul.dump", []),
              case .object(let top) = value, case .array(let domains)? = top["Domains"],
              case .object(let first)? = domains.first, case .object(let domain)? = first["Domain"],
              case .array(let aors)? = domain["AoRs"]
        else {
            Issue.record("unexpected ul.dump answer")
            return
        }
        #expect(domain["Domain"] == .string("location"))
        #expect(aors.count == 5)
        guard case .object(let stats)? = domain["Stats"] else { return }
        #expect(stats["Records"] == .int(5))
    }

    @Test func lookupShowsOneAORAndFailsForUnknownOnes() {
        guard let script = RegistrarScript() else { return }
        script.register(contacts: ["<sip:bob@192.0.2.1>;q=0.5"], expires: 120)
        guard case .success(let value, _) = call(script, "ul.lookup", ["location", "bob"]),
              case .object(let object) = value, case .array(let contacts)? = object["Contacts"],
              case .object(let wrapper)? = contacts.first, case .object(let contact)? = wrapper["Contact"]
        else {
            Issue.record("unexpected ul.lookup answer")
            return
        }
        #expect(object["AoR"] == .string("bob"))
        #expect(contact["Address"] == .string("sip:bob@192.0.2.1"))
        #expect(contact["Expires"] == .int(120))
        #expect(contact["Q"] == .double(0.5))
        #expect(call(script, "ul.lookup", ["location", "alice"]) == .failure(RPCError(code: 500, message: "AOR not found in location table")))
    }

    @Test func addThenRemoveThroughRPC() {
        guard let script = RegistrarScript() else { return }
        script.register(user: "someone", contacts: ["<sip:x@192.0.2.9>"])
        let added = call(script, "ul.add", ["location", "gw", "sip:gw@203.0.113.1", "0", "1", ".", "0", "0", "-1"])
        #expect(added == .success(.null, status: "200 OK"))
        let run = script.run(RegistrarScript.invite(user: "gw"))
        #expect(run.newRequestURI == "sip:gw@203.0.113.1")
        // Permanent: the clock does not expire it.
        script.clock.advance(1_000_000)
        script.location?.timerTick()
        #expect(script.run(RegistrarScript.invite(user: "gw")).variable("rc").intValue == 1)
        #expect(call(script, "ul.rm_contact", ["location", "gw", "sip:gw@203.0.113.1"]) == .success(.null, status: "200 OK"))
        #expect(call(script, "ul.rm", ["location", "gw"]) == .failure(RPCError(code: 404, message: "AOR not found")))
        #expect(call(script, "ul.add", ["nosuchtable", "gw", "sip:gw@203.0.113.1", "0", "1", ".", "0", "0", "-1"])
            == .failure(RPCError(code: 500, message: "Table not found")))
    }

    @Test func serFIFOShowContactAddAndRemove() {
        guard let script = RegistrarScript() else { return }
        script.register(user: "jiri", contacts: ["<sip:195.37.78.160:14519>"], expires: 1012)
        #expect(call(script, "ul_show_contact", ["location", "jiri"], transport: .serFIFO)
            == .success(.string("<sip:195.37.78.160:14519>;q=0.00;expires=1012\n"), status: "200 OK"))
        // The seed's layout: table, user, contact, expires, priority (then optional replicate, flags).
        #expect(call(script, "ul_add", ["location", "jiri", "sip:jiri@192.0.2.50", "3600", "0.5"], transport: .serFIFO)
            == .success(.string("('jiri','sip:jiri@192.0.2.50') to 'location'\n"), status: "200 Added to table"))
        guard case .success(.string(let text), _) = call(script, "ul_show_contact", ["location", "jiri"], transport: .serFIFO) else {
            Issue.record("ul_show_contact failed")
            return
        }
        #expect(text == "<sip:jiri@192.0.2.50>;q=0.50;expires=3600\n<sip:195.37.78.160:14519>;q=0.00;expires=1012\n")
        #expect(call(script, "ul_add", ["location", "jiri", "sip:j@x", "soon", "1"], transport: .serFIFO)
            == .failure(RPCError(code: 400, message: "Invalid expires format")))
        #expect(call(script, "ul_add", ["location"], transport: .serFIFO)
            == .failure(RPCError(code: 400, message: "ul_add: UID expected")))
        #expect(call(script, "ul_rm", ["location", "jiri"], transport: .serFIFO)
            == .success(.string(""), status: "200 user (location, jiri) deleted"))
        #expect(call(script, "ul_show_contact", ["location", "jiri"], transport: .serFIFO)
            == .failure(RPCError(code: 404, message: "Username jiri in table location not found")))
    }
}
