// cfgutils. Values marked "Kamailio" were printed by Kamailio 5.6.3 for the same calls:
// core_hash("abc", "", 0) = 1, core_hash("abc", "defg", 4) = 8,
// core_hash("Hello World!", "x", 10) = 321; rand_get_prob() 10, 55 after rand_set_prob("55"),
// 10 after rand_reset_prob(); with lock_set_size 4: lock("k1") 1, trylock("k1") from the same
// process -1, unlock 1, trylock again 1.
import Foundation
import SIPCore
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

@Suite struct CfgUtilsTests {
    @Test func coreHashMatchesKamailio() {
        guard let script = ModuleScript("""
            request_route {
                $var(h1) = core_hash("abc", "", 0);
                $var(h2) = core_hash("abc", "defg", 4);
                $var(h3) = core_hash("Hello World!", "x", 10);
                $var(h4) = core_hash("$fU", "$ft", 16);
            }
            """) else { return }
        let run = script.run()
        #expect([run.variable("h1"), run.variable("h2"), run.variable("h3")] == [.int(1), .int(8), .int(321)])
        let h4 = Int(CoreHash.hash(Array("alice".utf8), Array("1928301774".utf8)) & 0xFFFF) + 1
        #expect(run.variable("h4") == .int(h4))
        // Bytes above 127 are C chars, negative when widened. Kamailio 5.6.3, headers sent raw:
        // core_hash("$hdr(X-B)", "", 8) = 84 and core_hash("$hdr(X-C)", "$hdr(X-B)", 16) = 30705
        // for X-B "a\xE9b" and X-C "\xFF\xFE\xFD\xFCxyz\x80".
        let xb: [UInt8] = [0x61, 0xE9, 0x62]
        let xc: [UInt8] = [0xFF, 0xFE, 0xFD, 0xFC, 0x78, 0x79, 0x7A, 0x80]
        #expect(CoreHash.hash(xb, nil) & 0xFF + 1 == 84)
        #expect(CoreHash.hash(xc, xb) & 0xFFFF + 1 == 30705)
        #expect(CoreHash.hash(Array("ABC".utf8), nil, caseInsensitive: true) == CoreHash.hash(Array("abc".utf8), nil))
    }

    @Test func probability() {
        guard let script = ModuleScript("""
            request_route {
                $var(p1) = rand_get_prob();
                rand_set_prob("55");
                $var(p2) = rand_get_prob();
                rand_reset_prob();
                $var(p3) = rand_get_prob();
            }
            """) else { return }
        let run = script.run()
        #expect([run.variable("p1"), run.variable("p2"), run.variable("p3")] == [.int(10), .int(55), .int(10)])
        guard let initial = ModuleScript("request_route { $var(p) = rand_get_prob(); }",
                                         parameters: "modparam(\"cfgutils\", \"initial_probability\", 30)") else { return }
        #expect(initial.run().variable("p") == .int(30))
    }

    @Test func aProbabilityOfZeroStopsTheScriptWhenReturned() {
        guard let script = ModuleScript("request_route { rand_set_prob(0); rand_get_prob(); xlog(\"not reached\"); }") else { return }
        #expect(script.run().outcome.exited)
        #expect(script.log.texts.isEmpty)
    }

    @Test func randEvent() {
        guard let never = ModuleScript("request_route { rand_set_prob(0); $var(e) = rand_event(); }"),
              let always = ModuleScript("request_route { rand_set_prob(100); $var(e) = rand_event(); }"),
              let half = ModuleScript("request_route { rand_set_prob(50); $var(e) = rand_event(); }") else { return }
        #expect(never.run().variable("e") == .int(-1))
        #expect(always.run().variable("e") == .int(1))
        // 2000 draws at 50 %: outside 800…1200 has a probability far below 1e-15.
        let hits = (0..<2000).filter { _ in half.run().variable("e") == .int(1) }.count
        #expect((800...1200).contains(hits))
    }

    @Test func probabilitiesAreCheckedWhenTheScriptLoads() {
        #expect(ModuleScript.errors("request_route { rand_set_prob(\"101\"); rand_set_prob($var(p)); }").count == 2)
        #expect(ModuleScript.errors("request_route { exit; }", parameters: "modparam(\"cfgutils\", \"initial_probability\", 101)")
            .first?.contains("invalid probability <101>") == true)
    }

    @Test func sleepReturnsTrue() {
        guard let script = ModuleScript("""
            request_route {
                $var(a) = sleep(0);
                $var(b) = usleep(100);
                $var(t) = "abc";
                $var(c) = usleep($var(t));
            }
            """) else { return }
        let run = script.run()
        #expect([run.variable("a"), run.variable("b"), run.variable("c")] == [.int(1), .int(1), .int(-1)])
        #expect(script.log.texts.count == 1)
        #expect(script.log.texts.first?.hasPrefix("usleep: cannot get time interval value (main.cfg:12:") == true)
        #expect(ModuleScript.errors("request_route { sleep(-1); }") == ["sleep: time -1 is outside 0–2147483647"])
    }

    @Test func locksWithinOneWorker() {
        guard let script = ModuleScript("""
            request_route {
                $var(l) = lock("k1");
                $var(t1) = trylock("k1");
                $var(u) = unlock("k1");
                $var(t2) = trylock("k1");
                unlock("k1");
            }
            """, parameters: "modparam(\"cfgutils\", \"lock_set_size\", 4)") else { return }
        let run = script.run()
        #expect([run.variable("l"), run.variable("t1"), run.variable("u"), run.variable("t2")] == [.int(1), .int(-1), .int(1), .int(1)])
    }

    @Test func locksBetweenWorkers() {
        let set = KeyedLockSet(exponent: 2)
        #expect(set.size == 4)
        #expect(set.acquire("k", wait: true) == .acquired)
        // Keys hash case-insensitively; asking again for a held lock is refused, not a deadlock.
        #expect(set.acquire("K", wait: false) == .heldBySelf)
        #expect(onAnotherThread { set.acquire("k", wait: false) } == .busy)
        // A worker blocked in lock() goes on once the holder releases.
        let waiting = Thread.run { set.acquire("k", wait: true) }
        set.release("k")
        #expect(waiting.result() == .acquired)
        // Kamailio's locks may be released by another process than the holder; so may these.
        set.release("k")
        #expect(set.acquire("k", wait: false) == .acquired)
        set.release("k")
    }

    @Test func lockingWithoutALockSetFails() {
        guard let script = ModuleScript("request_route { $var(l) = lock(\"k\"); }") else { return }
        #expect(script.run().variable("l") == .int(-1))
        #expect(script.log.texts.first?.hasPrefix("lock: lock set not initialized") == true)
    }

    @Test func globalFlagsAreSharedByWorkers() {
        guard let script = ModuleScript("""
            request_route {
                if ($rm == "INVITE") { set_gflag(1); reset_gflag(2); }
                $var(g1) = is_gflag(1);
                $var(g2) = is_gflag(2);
            }
            """, parameters: "modparam(\"cfgutils\", \"initial_gflags\", 4)") else { return }
        let before = script.run(ScriptTestHarness.request(method: "OPTIONS"), worker: WorkerScriptState())
        #expect([before.variable("g1"), before.variable("g2")] == [.int(-1), .int(1)])
        _ = script.run(ScriptTestHarness.request(method: "INVITE"))
        let after = script.run(ScriptTestHarness.request(method: "OPTIONS"), worker: WorkerScriptState())
        #expect([after.variable("g1"), after.variable("g2")] == [.int(1), .int(-1)])
        #expect(ModuleScript.errors("request_route { set_gflag(32); is_gflag($var(x)); }").count == 2)
    }

    @Test func randomPseudoVariable() {
        guard let script = ModuleScript("request_route { $var(a) = $RANDOM; $var(b) = $RANDOM; }") else { return }
        let run = script.run()
        let a = run.variable("a"), b = run.variable("b")
        #expect((0 ... Int(Int32.max)).contains(a.intValue))
        #expect(a != b)
    }

    @Test func abortEndsTheServer() throws {
        let config = """
            #!KAMAILIO
            debug=-1
            log_stderror=yes
            children=1
            listen=udp:127.0.0.1:{PORT}
            loadmodule "sl.so"
            loadmodule "cfgutils.so"
            request_route {
                if (method == "MESSAGE") { abort(); }
                sl_send_reply("200", "OK");
            }
            """
        let tern = try TernProcess.start(config: config)
        defer { tern.stop(grace: .seconds(1)) }
        let message = SIPRequestBuilder.request(
            method: "MESSAGE", serverPort: tern.port, clientPort: 5999, transport: "UDP", user: "bob",
            callID: uniqueToken("abort"), cseq: 1, extraHeaders: [])
        _ = try? tern.client.exchangeUDP(message.bytes(), timeout: .milliseconds(500))
        var status = tern.exitStatus
        for _ in 0..<150 where status == nil {
            usleep(100_000)
            status = tern.exitStatus
        }
        #expect(status == .signaled(SIGABRT))
        #expect(tern.standardError.contains("abort called"))
    }
}

/// Runs `body` on a thread of its own and waits for its result.
private func onAnotherThread<T>(_ body: @escaping @Sendable () -> T) -> T {
    Thread.run(body).result()
}

private final class ThreadResult<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: T?

    func set(_ v: T) {
        value = v
        done.signal()
    }

    func result() -> T {
        done.wait()
        guard let value else { fatalError("thread ended without a result") }
        return value
    }
}

private extension Thread {
    static func run<T>(_ body: @escaping @Sendable () -> T) -> ThreadResult<T> {
        let result = ThreadResult<T>()
        let thread = Thread { result.set(body()) }
        thread.start()
        return result
    }
}
