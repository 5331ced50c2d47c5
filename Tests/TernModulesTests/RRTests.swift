// rr against Kamailio 5.6.3: the same requests were sent to Kamailio with the same calls and
// what it forwarded was read back (Record-Route lines, Route lines left, Request-URI, $du,
// return codes). Its listen sockets 127.0.0.1:5098 and 127.0.0.2:5090 are 127.0.0.1:5070
// and 127.0.0.2:5090 here.
import SIPCore
import SIPTransport
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

/// A config that loads rr, with the module instance at hand.
struct RRScript {
    let harness: ScriptTestHarness
    let module: RRModule

    init?(_ routes: String, parameters: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let text = """
            listen=udp:127.0.0.1:5070
            listen=udp:127.0.0.2:5090
            alias=proxy.example.com
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "rr.so"
            \(parameters)
            \(routes)
            """
        var settings = CoreSettings()
        settings.listens = [
            ListenAddress(proto: .udp, host: "127.0.0.1", port: 5070),
            ListenAddress(proto: .udp, host: "127.0.0.2", port: 5090),
        ]
        switch ScriptTestHarness.load(text, settings: settings) {
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        case .success(let harness):
            guard let module = harness.registry.module(named: "rr") as? RRModule else { return nil }
            module.myselfMatcher = harness.config.script.myself
            self.harness = harness
            self.module = module
        }
    }

    func run(_ message: SIPMessage, local: SocketAddressText = SocketAddressText(ip: "127.0.0.1", port: 5070),
             proto: TransportProtocol = .udp) -> (outcome: RouteOutcome, context: ScriptContext, text: String) {
        let worker = WorkerScriptState()
        let context = ScriptTestHarness.context(message, worker: worker, proto: proto, local: local)
        let outcome = harness.config.script.run(.request, context)
        let text = (try? MessageSerializer.serialize(context.message, edits: context.edits)).map { String(decoding: $0, as: UTF8.self) } ?? "<edits do not apply>"
        return (outcome, context, text)
    }

    static func request(uri: String = "sip:bob@example.org", to: String = "<sip:bob@example.org>", routes: [String] = []) -> SIPMessage {
        ScriptTestHarness.message([
            "INVITE \(uri) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1",
            "From: <sip:alice@example.org>;tag=fromtag1",
            "To: \(to)",
            "Call-ID: c1",
            "CSeq: 1 INVITE",
            "Max-Forwards: 70",
        ] + routes.map { "Route: " + $0 })
    }

    static let inDialog = "<sip:bob@example.org>;tag=totag9"
}

private func lines(_ text: String, _ prefix: String) -> [String] {
    ScriptTestHarness.headerLines(text).filter { $0.hasPrefix(prefix) }
}

private func requestLine(_ text: String) -> String {
    String(text.split(separator: "\r\n").first ?? "")
}

@Suite struct RecordRouteTests {
    @Test func addsOneLineFirstWithFromTag() {
        guard let s = RRScript("request_route { $var(a) = record_route(); $var(b) = record_route(); }") else { return }
        let r = s.run(RRScript.request())
        #expect(ScriptTestHarness.headerLines(r.text).first == "Record-Route: <sip:127.0.0.1:5070;lr;ftag=fromtag1>")
        #expect(lines(r.text, "Record-Route").count == 1)
        #expect(r.context.worker.variable(named: "a") == .int(1))
        // Kamailio: "Double attempt to record-route".
        #expect(r.context.worker.variable(named: "b") == .int(-1))
    }

    @Test func parametersFollowTheFromTagThenAddRRParam() {
        guard let s = RRScript("request_route { add_rr_param(\";foo=bar\"); record_route(\";p=v\"); }") else { return }
        let r = s.run(RRScript.request())
        #expect(lines(r.text, "Record-Route") == ["Record-Route: <sip:127.0.0.1:5070;lr;ftag=fromtag1;p=v;foo=bar>"])
    }

    @Test func addRRParamAfterRecordRouteIsRefused() {
        guard let s = RRScript("request_route { record_route(); $var(p) = add_rr_param(\";late=1\"); }") else { return }
        let r = s.run(RRScript.request())
        #expect(r.context.worker.variable(named: "p") == .int(-1))
        #expect(lines(r.text, "Record-Route") == ["Record-Route: <sip:127.0.0.1:5070;lr;ftag=fromtag1>"])
    }

    @Test func twoLinesWhenLeavingFromAnotherAddress() {
        guard let s = RRScript("request_route { add_rr_param(\";foo=bar\"); record_route(\";p=v\"); }") else { return }
        s.module.outgoingSocket = { _ in ListenAddress(proto: .udp, host: "127.0.0.2", port: 5090) }
        let r = s.run(RRScript.request())
        #expect(lines(r.text, "Record-Route") == [
            "Record-Route: <sip:127.0.0.2:5090;r2=on;lr;ftag=fromtag1;p=v;foo=bar>",
            "Record-Route: <sip:127.0.0.1:5070;r2=on;lr;ftag=fromtag1;p=v;foo=bar>",
        ])
    }

    @Test func twoLinesWhenTheTransportChanges() {
        guard let s = RRScript("request_route { record_route(); }") else { return }
        s.module.outgoingSocket = { _ in ListenAddress(proto: .tcp, host: "127.0.0.1", port: 5070) }
        let r = s.run(RRScript.request())
        #expect(lines(r.text, "Record-Route") == [
            "Record-Route: <sip:127.0.0.1:5070;transport=tcp;r2=on;lr;ftag=fromtag1>",
            "Record-Route: <sip:127.0.0.1:5070;r2=on;lr;ftag=fromtag1>",
        ])
    }

    @Test func oneLineWhenTheSocketIsTheSame() {
        guard let s = RRScript("request_route { record_route(); }") else { return }
        s.module.outgoingSocket = { _ in ListenAddress(proto: .udp, host: "127.0.0.1", port: 5070) }
        #expect(lines(s.run(RRScript.request()).text, "Record-Route").count == 1)
    }

    @Test func parametersChangeTheLine() {
        guard let s = RRScript("request_route { record_route(); }", parameters: """
            modparam("rr", "enable_full_lr", 1)
            modparam("rr", "append_fromtag", 0)
            modparam("rr", "enable_double_rr", 0)
            modparam("rr", "add_username", 1)
            """) else { return }
        s.module.outgoingSocket = { _ in ListenAddress(proto: .udp, host: "127.0.0.2", port: 5090) }
        let r = s.run(RRScript.request())
        #expect(lines(r.text, "Record-Route") == ["Record-Route: <sip:bob@127.0.0.1:5070;lr=on>"])
    }

    @Test func defaultPortIsLeftOutAndTCPNamed() {
        guard let s = RRScript("request_route { record_route(); }") else { return }
        let r = s.run(RRScript.request(), local: SocketAddressText(ip: "127.0.0.1", port: 5060), proto: .tcp)
        #expect(lines(r.text, "Record-Route") == ["Record-Route: <sip:127.0.0.1;transport=tcp;lr;ftag=fromtag1>"])
    }

    @Test func sipsRequestURIGivesASipsLine() {
        guard let s = RRScript("request_route { record_route(); }") else { return }
        let r = s.run(RRScript.request(uri: "sips:bob@example.org"))
        #expect(lines(r.text, "Record-Route") == ["Record-Route: <sips:127.0.0.1:5070;lr;ftag=fromtag1>"])
    }

    @Test func presetWritesTheGivenAddresses() {
        guard let one = RRScript("request_route { $var(r) = record_route_preset(\"proxy.example.com:5080;x=y\"); }") else { return }
        let r1 = one.run(RRScript.request())
        #expect(r1.context.worker.variable(named: "r") == .int(1))
        #expect(lines(r1.text, "Record-Route") == ["Record-Route: <sip:proxy.example.com:5080;x=y;ftag=fromtag1;lr>"])

        guard let two = RRScript("request_route { record_route_preset(\"1.2.3.4:5080\", \"5.6.7.8\"); }") else { return }
        #expect(lines(two.run(RRScript.request()).text, "Record-Route") == [
            "Record-Route: <sip:1.2.3.4:5080;ftag=fromtag1;lr>",
            "Record-Route: <sip:5.6.7.8;ftag=fromtag1;lr>",
        ])

        guard let refused = RRScript("request_route { $var(r) = record_route_preset(\"a\", \"b\"); }",
                                     parameters: "modparam(\"rr\", \"enable_double_rr\", 0)") else { return }
        let r3 = refused.run(RRScript.request())
        #expect(r3.context.worker.variable(named: "r") == .int(-1))
        #expect(lines(r3.text, "Record-Route").isEmpty)
    }

    @Test func advertisedAddressReplacesTheSocket() {
        guard let s = RRScript("request_route { record_route_advertised_address(\"sip.example.net:5555\"); }") else { return }
        #expect(lines(s.run(RRScript.request()).text, "Record-Route") == ["Record-Route: <sip:sip.example.net:5555;lr;ftag=fromtag1>"])
    }

    @Test func upstreamRequestsCarryTheToTag() {
        // A request from the callee: our Route says ftag=fromtag0, its From tag differs.
        guard let s = RRScript("request_route { record_route(); }") else { return }
        let r = s.run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:127.0.0.1:5070;lr;ftag=other>"]))
        #expect(lines(r.text, "Record-Route") == ["Record-Route: <sip:127.0.0.1:5070;lr;ftag=totag9>"])
    }

    @Test func removeRecordRouteIsAConfigError() {
        let result = ScriptTestHarness.load("loadmodule \"rr.so\"\nrequest_route { remove_record_route(); }")
        guard case .failure(let list) = result else {
            Issue.record("remove_record_route() was accepted")
            return
        }
        #expect(list.errors.contains { $0.message.contains("remove_record_route") })
    }
}

@Suite struct LooseRouteTests {
    private let route = """
        request_route {
            $var(lr) = loose_route();
            $var(crp) = check_route_param("foo=bar");
            $var(down) = is_direction("downstream");
            $var(up) = is_direction("upstream");
        }
        """

    private func run(_ message: SIPMessage) -> (code: Int, du: String?, text: String, ctx: ScriptContext)? {
        guard let s = RRScript(route) else { return nil }
        let r = s.run(message)
        return (r.context.worker.variable(named: "lr").intValue, r.context.destinationURI, r.text, r.context)
    }

    @Test func noRouteIsMinusOne() {
        guard let r = run(RRScript.request()) else { return }
        #expect(r.code == -1)
        #expect(r.du == nil)
    }

    @Test func preloadedRouteToUsAloneIsMinusThreeAndRemoved() {
        guard let r = run(RRScript.request(routes: ["<sip:127.0.0.1:5070;lr>"])) else { return }
        #expect(r.code == -3)
        #expect(lines(r.text, "Route").isEmpty)
        #expect(r.du == nil)
    }

    @Test func preloadedUsThenNextHop() {
        guard let r = run(RRScript.request(routes: ["<sip:127.0.0.1:5070;lr;foo=bar>, <sip:10.0.0.9;lr>"])) else { return }
        #expect(r.code == 1)
        #expect(r.du == "sip:10.0.0.9;lr")
        #expect(lines(r.text, "Route") == ["Route: <sip:10.0.0.9;lr>"])
        #expect(r.ctx.worker.variable(named: "crp") == .int(1))
    }

    @Test func inDialogUsThenNextHopOnAnotherLine() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: [
            "<sip:127.0.0.1:5070;lr;ftag=fromtag1;foo=bar>", "<sip:10.0.0.9:5070;lr>",
        ])) else { return }
        #expect(r.code == 1)
        #expect(r.du == "sip:10.0.0.9:5070;lr")
        #expect(lines(r.text, "Route") == ["Route: <sip:10.0.0.9:5070;lr>"])
        #expect(r.ctx.worker.variable(named: "crp") == .int(1))
        #expect(r.ctx.worker.variable(named: "down") == .int(1))
        #expect(r.ctx.worker.variable(named: "up") == .int(-1))
    }

    @Test func inDialogOnlyUsIsOneAndUpstreamByFtag() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:127.0.0.1:5070;lr;ftag=other>"])) else { return }
        #expect(r.code == 1)
        #expect(r.du == nil)
        #expect(lines(r.text, "Route").isEmpty)
        #expect(r.ctx.worker.variable(named: "down") == .int(-1))
        #expect(r.ctx.worker.variable(named: "up") == .int(1))
        #expect(r.ctx.worker.variable(named: "crp") == .int(-1))
    }

    @Test func aliasWithoutPortIsUs() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:proxy.example.com;lr;ftag=other>"])) else { return }
        #expect(r.code == 1)
        #expect(lines(r.text, "Route").isEmpty)
    }

    @Test func ourAddressOnAnotherPortIsNotUs() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:127.0.0.1;lr>"])) else { return }
        #expect(r.code == 1)
        #expect(r.du == "sip:127.0.0.1;lr")
        #expect(lines(r.text, "Route") == ["Route: <sip:127.0.0.1;lr>"])
    }

    @Test func someoneElsesLooseRouteBecomesTheDestination() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:10.0.0.9;lr>,<sip:10.0.0.10;lr>"])) else { return }
        #expect(r.code == 1)
        #expect(r.du == "sip:10.0.0.9;lr")
        #expect(lines(r.text, "Route") == ["Route: <sip:10.0.0.9;lr>,<sip:10.0.0.10;lr>"])
    }

    @Test func strictRouterNextGetsTheRequestURI() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:10.0.0.9>,<sip:10.0.0.10;lr>"])) else { return }
        #expect(r.code == 1)
        #expect(r.du == nil)
        #expect(r.ctx.newRequestURI == "sip:10.0.0.9")
        #expect(requestLine(r.text) == "INVITE sip:bob@example.org SIP/2.0")
        #expect(lines(r.text, "Route") == ["Route: <sip:10.0.0.10;lr>", "Route: <sip:bob@example.org>"])
    }

    @Test func afterAStrictRouterTheLastRouteIsTheRequestURI() {
        guard let r = run(RRScript.request(uri: "sip:127.0.0.1:5070;foo=bar", to: RRScript.inDialog, routes: [
            "<sip:10.0.0.9;lr>", "<sip:bob@10.0.0.77:5062>",
        ])) else { return }
        #expect(r.code == 1)
        #expect(r.du == "sip:10.0.0.9;lr")
        #expect(r.ctx.newRequestURI == "sip:bob@10.0.0.77:5062")
        #expect(lines(r.text, "Route") == ["Route: <sip:10.0.0.9;lr>"])
        // The parameters of our URI (the Request-URI here) are what check_route_param sees.
        #expect(r.ctx.worker.variable(named: "crp") == .int(1))
    }

    @Test func strictOnBothSidesActsAsAStrictRouter() {
        guard let r = run(RRScript.request(uri: "sip:127.0.0.1:5070", to: RRScript.inDialog, routes: [
            "<sip:10.0.0.9>, <sip:bob@10.0.0.77:5062>",
        ])) else { return }
        #expect(r.code == 1)
        #expect(r.du == nil)
        #expect(r.ctx.newRequestURI == "sip:10.0.0.9")
        #expect(lines(r.text, "Route") == ["Route: <sip:bob@10.0.0.77:5062>"])
    }

    @Test func doubleRecordRouteRemovesBothEntries() {
        for routes in [
            ["<sip:127.0.0.2:5090;r2=on;lr;ftag=fromtag1>,<sip:127.0.0.1:5070;r2=on;lr;ftag=fromtag1>,<sip:10.0.0.9;lr>"],
            ["<sip:127.0.0.2:5090;r2=on;lr;ftag=fromtag1>", "<sip:127.0.0.1:5070;r2=on;lr;ftag=fromtag1>", "<sip:10.0.0.9;lr>"],
        ] {
            guard let r = run(RRScript.request(to: RRScript.inDialog, routes: routes)) else { return }
            #expect(r.code == 1)
            #expect(r.du == "sip:10.0.0.9;lr")
            #expect(lines(r.text, "Route") == ["Route: <sip:10.0.0.9;lr>"])
            // The request leaves from the socket the second entry names.
            #expect(r.ctx.forcedSendSocket == "udp:127.0.0.1:5070")
        }
    }

    @Test func maddrGivesTheDestination() {
        guard let r = run(RRScript.request(to: RRScript.inDialog, routes: [
            "<sip:127.0.0.1:5070;lr>,<sip:host.example;maddr=10.1.1.1;lr>",
        ])) else { return }
        #expect(r.code == 1)
        #expect(r.du == "sip:10.1.1.1")
        #expect(lines(r.text, "Route") == ["Route: <sip:host.example;maddr=10.1.1.1;lr>"])
    }

    @Test func looseOnlyModeIgnoresAStrictRouterBefore() {
        guard let s = RRScript("request_route { $var(lr) = loose_route_mode(1); }") else { return }
        let r = s.run(RRScript.request(uri: "sip:127.0.0.1:5070", to: RRScript.inDialog, routes: ["<sip:10.0.0.9;lr>", "<sip:bob@10.0.0.77>"]))
        #expect(r.context.worker.variable(named: "lr") == .int(1))
        // Treated as a loose-routed request: the first Route is the destination, nothing else moves.
        #expect(r.context.destinationURI == "sip:10.0.0.9;lr")
        #expect(r.context.newRequestURI == nil)
        #expect(lines(r.text, "Route").count == 2)
    }

    @Test func preloadedVariantAndNextHopFlag() {
        guard let s = RRScript("""
            request_route {
                $var(p) = loose_route_preloaded();
                $var(n) = rr_next_hop_route();
            }
            """) else { return }
        let alone = s.run(RRScript.request(routes: ["<sip:127.0.0.1:5070;lr>"]))
        #expect(alone.context.worker.variable(named: "p") == .int(1))
        #expect(alone.context.worker.variable(named: "n") == .int(-1))
        let next = s.run(RRScript.request(routes: ["<sip:127.0.0.1:5070;lr>,<sip:10.0.0.9;lr>"]))
        #expect(next.context.worker.variable(named: "p") == .int(-1))
        #expect(next.context.worker.variable(named: "n") == .int(1))
    }

    @Test func routeURIAndDirectionVariables() {
        guard let s = RRScript("""
            request_route {
                $var(ru) = $route_uri;
                $var(id) = $rdir(id);
                $var(name) = $rdir(name);
            }
            """) else { return }
        let up = s.run(RRScript.request(to: RRScript.inDialog, routes: ["<sip:127.0.0.1:5070;lr;ftag=other>", "<sip:10.0.0.9;lr>"]))
        #expect(up.context.worker.variable(named: "ru") == .string("sip:127.0.0.1:5070;lr;ftag=other"))
        #expect(up.context.worker.variable(named: "id") == .int(2))
        #expect(up.context.worker.variable(named: "name") == .string("upstream"))
        let none = s.run(RRScript.request())
        #expect(none.context.worker.variable(named: "ru") == .int(0))
        #expect(none.context.worker.variable(named: "name") == .string("downstream"))
    }

    @Test func badArgumentsAreConfigErrors() {
        for bad in ["is_direction(\"sideways\");", "check_route_param(\"(\");", "$var(x) = $rdir(foo);"] {
            guard case .failure = ScriptTestHarness.load("loadmodule \"rr.so\"\nrequest_route { \(bad) }") else {
                Issue.record("'\(bad)' was accepted")
                continue
            }
        }
    }
}
