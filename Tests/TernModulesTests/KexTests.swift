// kex against Kamailio 5.6.3 (same calls, printed with xlog): setbflag(2) gives $bf 4;
// setbflag(2, 1) returns -1 until a branch exists, then 1, and append_branch copies the R-URI's
// flags into the branch; setsflag(5) gives $sf 32; isdsturiset() -1, then 1 after setdsturi,
// $du null after resetdsturi; pv_printf("$var(p)", "x-$rm-$var(nothere)-$hdr(X-None)") stores
// "x-INVITE-0-<null>"; $stat(rcv_requests) counts, $stat(nosuch) is null with a warning
// "No stat variable ``nosuch''".
import Logging
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct KexTests {
    @Test func scriptFlags() {
        guard let script = ModuleScript("""
            request_route {
                setsflag(5);
                $var(sf) = $sf;
                $var(a) = issflagset(5);
                resetsflag(5);
                $var(b) = issflagset(5);
                $var(f) = 40;
                $var(c) = setsflag($var(f));
            }
            """) else { return }
        let run = script.run()
        #expect([run.variable("a"), run.variable("b"), run.variable("c")] == [.int(1), .int(-1), .int(-1)])
        #expect(run.variable("sf") == .int(32))
        #expect(run.context.scriptFlags == 0)
        #expect(ModuleScript.errors("request_route { setsflag(32); }") == ["setsflag: flag 32 is outside 0–31"])
    }

    @Test func branchFlags() {
        guard let script = ModuleScript("""
            request_route {
                setbflag(2);
                $var(a) = setbflag(2, 1);
                append_branch("sip:b1@10.0.0.1", "0.5");
                $var(b) = setbflag(4, 1);
                $var(c) = isbflagset(2, 1);
                resetbflag(2, 0);
                $var(d) = isbflagset(2);
            }
            """) else { return }
        let run = script.run()
        #expect([run.variable("a"), run.variable("b"), run.variable("c"), run.variable("d")] == [.int(-1), .int(1), .int(1), .int(-1)])
        #expect(run.context.requestBranchFlags == 0)
        #expect(run.context.branches.first?.flags == 0b10100)
    }

    @Test func destinationURI() {
        guard let script = ModuleScript("""
            request_route {
                $var(a) = isdsturiset();
                setdsturi("sip:d@$si");
                $var(b) = isdsturiset();
                $var(du) = $du;
                resetdsturi();
                $var(c) = isdsturiset();
            }
            """) else { return }
        let run = script.run()
        #expect([run.variable("a"), run.variable("b"), run.variable("c")] == [.int(-1), .int(1), .int(-1)])
        #expect(run.variable("du") == .string("sip:d@192.0.2.10"))
        #expect(run.context.destinationURI == nil)
    }

    @Test func pvPrintf() {
        guard let script = ModuleScript("""
            request_route {
                pv_printf("$var(p)", "x-$rm-$var(nothere)-$hdr(X-None)");
                avp_printf("$avp(q)", "$fU@$fd");
                $var(q) = $avp(q);
            }
            """) else { return }
        let run = script.run()
        #expect(run.variable("p") == .string("x-INVITE-0-<null>"))
        #expect(run.variable("q") == .string("alice@atlanta.example.com"))
        #expect(ModuleScript.errors("request_route { pv_printf(\"$ci\", \"x\"); }").first?.contains("read-only") == true)
    }

    @Test func setdebugLastsUntilResetdebug() {
        guard let script = ModuleScript("""
            request_route {
                if ($rm == "INVITE") { setdebug(3); }
                xdbg("debug $rm");
                if ($rm == "BYE") { resetdebug(); xdbg("after reset"); }
            }
            """, settings: ModuleScript.settings(debug: 0), workerLevel: .warning) else { return }
        _ = script.run(ScriptTestHarness.request(method: "OPTIONS"))
        _ = script.run(ScriptTestHarness.request(method: "INVITE"))
        _ = script.run(ScriptTestHarness.request(method: "ACK"))
        _ = script.run(ScriptTestHarness.request(method: "BYE"))
        #expect(script.log.texts == ["<script>: debug INVITE", "<script>: debug ACK", "<script>: debug BYE"])
        #expect(script.worker.logger.logLevel == .warning)
    }

    @Test func statistics() {
        guard let script = ModuleScript("""
            request_route {
                $var(rcv) = $stat(rcv_requests);
                $var(fwd) = $stat(fwd_requests);
                $var(inv) = $stat(rcv_requests_invite);
                $var(unknown) = $stat(nosuch);
                $var(again) = $stat(nosuch);
                sl_send_reply("200", "OK");
                $var(sl) = $stat(200_replies);
            }
            """) else { return }
        script.services.core.receivedRequests.increment(by: 3)
        script.services.statistics.lookup("rcv_requests_invite")?.increment()
        let run = script.run()
        #expect(run.variable("rcv") == .int(3))
        #expect(run.variable("fwd") == .int(0))
        #expect(run.variable("inv") == .int(1))
        // $var(x) = $null stores 0.
        #expect(run.variable("unknown") == .int(0))
        #expect(run.variable("sl") == .int(1))
        // One warning per place of use, not per read.
        _ = script.run()
        #expect(script.log.texts.filter { $0 == "No stat variable ``nosuch''" }.count == 2)
        #expect(script.log.levels.allSatisfy { $0 == .warning })
    }

    @Test func memoryFigures() {
        guard let script = ModuleScript("""
            request_route {
                $var(total) = $stat(total_size); $var(used) = $stat(used_size); $var(real) = $stat(real_used_size);
                $var(max) = $stat(max_used_size); $var(free) = $stat(free_size); $var(frag) = $stat(fragments);
            }
            """) else { return }
        let run = script.run()
        let value = { (name: String) in run.variable(name).intValue }
        #expect(value("used") > 0)
        #expect(value("total") >= value("used"))
        #expect(value("free") >= 0)
        #expect(value("real") > 0)
        #expect(value("max") >= value("real"))
        #expect(value("frag") >= 0)
        #expect(script.log.texts.isEmpty)
    }

    @Test func mallocInfoTotals() {
        var figures = HeapFigures()
        figures.readAllocator("""
            <malloc version="1">
            <heap nr="0">
            <sizes>
            </sizes>
            <total type="fast" count="3" size="96"/>
            <total type="rest" count="2" size="1000"/>
            <system type="current" size="5000"/>
            </heap>
            <total type="fast" count="4" size="100"/>
            <total type="rest" count="2" size="448529"/>
            <total type="mmap" count="1" size="200000"/>
            <system type="current" size="5177344"/>
            <system type="max" size="5177344"/>
            <aspace type="total" size="5177344"/>
            </malloc>
            """)
        #expect(figures.total == 5_377_344)
        #expect(figures.free == 448_629)
        #expect(figures.used == 5_377_344 - 448_629)
        #expect(figures.fragments == 6)
        #expect(HeapFigures.kilobytes(in: "Name:\ttern\nVmHWM:\t   2048 kB\nVmRSS:\t   1024 kB\n", field: "VmRSS:") == 1_048_576)
    }

    @Test func statIsKexs() {
        // Without kex, $stat names the module that would provide it.
        let text = "loadmodule \"pv.so\"\nrequest_route { $var(x) = $stat(rcv_requests); }"
        let registry = ModuleRegistry(BuiltinModules.all)
        let result = ConfigLoader.load(ConfigLoadRequest(path: "main.cfg"), symbols: registry.symbols(coreFunctions: CoreFunctions.all),
                                       provider: InMemorySourceProvider(files: ["main.cfg": text]))
        guard case .failure(let list) = result else {
            Issue.record("loaded without kex")
            return
        }
        #expect(list.errors.first?.message.contains("kex") == true)
    }
}
