// htable on real scripts in process. Expiry runs on an injected clock (no waiting); the
// behaviour follows Kamailio 5.6.3's htable (missing keys read $null or initval, `= $null`
// deletes, $shtinc needs initval for a missing key, expiry only in autoexpire tables).
import Dispatch
import SIPCore
import TernRuntime
import TernScript
import TernTestSupport
import Testing

@testable import TernModules

/// Seconds that only move when a test says so.
final class TestClock: @unchecked Sendable {
    var now = 1_000_000
}

/// A config that loads htable (and pv, xlog), with the module instance at hand.
struct HTableScript {
    let harness: ScriptTestHarness
    let module: HTableModule
    let worker = WorkerScriptState()

    init?(_ text: String, clock: TestClock = TestClock(), sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let module = HTableModule()
        module.clock = { clock.now }
        let modules = BuiltinModules.all.filter { $0.name != "htable" } + [ModuleDescriptor(name: "htable") { module }]
        let config = """
            loadmodule "pv.so"
            loadmodule "htable.so"
            \(text)
            """
        switch ScriptTestHarness.load(config, modules: modules) {
        case .failure(let list):
            Issue.record("config did not load:\n\(list)", sourceLocation: sourceLocation)
            return nil
        case .success(let harness):
            self.harness = harness
            self.module = module
        }
    }

    @discardableResult
    func run(_ route: RouteKind = .request) -> ScriptTestHarness.Run {
        harness.run(ScriptTestHarness.request(), route: route, worker: worker)
    }

    func variable(_ name: String) -> ScriptValue { worker.variable(named: name) }
    func table(_ name: String) -> HTable? { module.tables[name] }

    /// The errors of a config whose htable parameters must be refused.
    static func configurationErrors(_ text: String) -> [String] {
        switch ScriptTestHarness.load("loadmodule \"htable.so\"\n" + text) {
        case .success: return []
        case .failure(let list): return list.errors.map(\.message)
        }
    }
}

@Suite struct HTableDefinitionTests {
    @Test func attributesAreRead() throws {
        let d = try HTableDefinition.parse(" creds => size=12;autoexpire=30;initval=5;updateexpire=0;dmqreplicate=1;dbmode=1;cols='k,v';")
        #expect(d.name == "creds")
        #expect(d.slotCount == 4096)
        #expect(d.autoexpire == 30)
        #expect(d.initialValue == 5)
        #expect(d.updateExpire == false)
        #expect(d.dmqReplicate == 1)
        #expect(d.columns == "k,v")
    }

    @Test func sizeIsBounded() throws {
        #expect(try HTableDefinition.parse("a=>size=0").slotCount == 8)
        #expect(try HTableDefinition.parse("a=>size=1").slotCount == 8)
        #expect(try HTableDefinition.parse("a=>size=3").slotCount == 8)
        #expect(try HTableDefinition.parse("a=>autoexpire=5").slotCount == 16)
        #expect(try HTableDefinition.parse("a=>size=40").slotCount == 1 << HTableDefinition.largestSizeExponent)
    }

    @Test func badDefinitionsAreRefusedAtTheirLine() {
        let unknown = HTableScript.configurationErrors("modparam(\"htable\", \"htable\", \"a=>size=4;colour=blue\")\nrequest_route { exit; }")
        #expect(unknown.count == 1)
        #expect(unknown.first?.contains("unknown attribute 'colour'") == true)
        #expect(HTableScript.configurationErrors("modparam(\"htable\", \"htable\", \"a=>size=x\")\nrequest_route { exit; }")
            .first?.contains("size must be a non-negative number") == true)
        #expect(HTableScript.configurationErrors("modparam(\"htable\", \"htable\", \"size=4\")\nrequest_route { exit; }")
            .first?.contains("name=>attribute=value") == true)
        #expect(HTableScript.configurationErrors("modparam(\"htable\", \"htable\", \"a=>size=4\")\nmodparam(\"htable\", \"htable\", \"a=>size=5\")\nrequest_route { exit; }")
            .first?.contains("defined twice") == true)
        let database = HTableScript.configurationErrors("modparam(\"htable\", \"htable\", \"a=>size=4;dbtable=htable\")\nrequest_route { exit; }")
        #expect(database.count == 1)
        #expect(database.first?.hasSuffix("htable 'a': dbtable needs the database layer, not built yet") == true)
        #expect(database.first?.hasPrefix("main.cfg:2:") == true)
    }
}

@Suite struct HTableVariableTests {
    @Test func readWriteDeleteWithKeysFromVariables() {
        guard let s = HTableScript("""
            modparam("htable", "htable", "a=>size=4;")
            request_route {
                $var(i) = 7;
                $sht(a=>user$var(i)) = "pw" + $var(i);
                $sht(a=>n) = 42;
                $var(s) = $sht(a=>user7);
                $var(n) = $sht(a=>n) + 1;
                $var(missing) = $sht(a=>nobody);
                if ($sht(a=>nobody) == $null) { $var(isnull) = 1; }
                if ($sht(a=>nobody) == "") { $var(isempty) = 1; }
                $sht(a=>n) = $null;
                if ($sht(a=>n) == $null) { $var(deleted) = 1; }
            }
            """) else { return }
        s.run()
        #expect(s.variable("s") == .string("pw7"))
        #expect(s.variable("n") == .int(43))
        #expect(s.variable("missing") == .int(0))
        #expect(s.variable("isnull") == .int(1))
        #expect(s.variable("isempty") == .int(1))
        #expect(s.variable("deleted") == .int(1))
        #expect(s.table("a")?.get("user7") == .string("pw7"))
        #expect(s.table("a")?.get("n") == nil)
    }

    @Test func initvalAnswersForMissingKeys() {
        guard let s = HTableScript("""
            modparam("htable", "htable", "c=>size=2;initval=10")
            request_route { $var(x) = $sht(c=>none); }
            """) else { return }
        s.run()
        #expect(s.variable("x") == .int(10))
    }

    @Test func anUndefinedTableReadsNullAndRefusesWrites() {
        let log = CapturedLog()
        guard let s = HTableScript("""
            modparam("htable", "htable", "a=>size=2")
            request_route {
                $sht(nosuch=>k) = 1;
                if ($sht(nosuch=>k) == $null) { $var(null) = 1; }
                $var(after) = 2;
            }
            """) else { return }
        let worker = WorkerScriptState(logger: log.logger(level: .error))
        _ = s.harness.run(ScriptTestHarness.request(), worker: worker)
        #expect(worker.variable(named: "null") == .int(1))
        #expect(worker.variable(named: "after") == .int(2))
        #expect(log.texts.contains { $0.contains("htable 'nosuch' is not defined") && $0.contains("main.cfg:") })
    }

    @Test func incrementAndDecrement() {
        guard let s = HTableScript("""
            modparam("htable", "htable", "c=>size=2;initval=0")
            modparam("htable", "htable", "plain=>size=2")
            request_route {
                $var(a) = $shtinc(c=>hits);
                $var(b) = $shtinc(c=>hits);
                $var(c) = $shtdec(c=>hits);
                $var(d) = $shtinc(plain=>x);
                $sht(plain=>y) = 5;
                $var(e) = $shtinc(plain=>y);
                $sht(plain=>s) = "text";
                if ($shtinc(plain=>s) == $null) { $var(f) = 1; }
            }
            """) else { return }
        s.run()
        #expect(s.variable("a") == .int(1))
        #expect(s.variable("b") == .int(2))
        #expect(s.variable("c") == .int(1))
        // No initval: a missing key cannot be incremented.
        #expect(s.variable("d") == .int(0))
        #expect(s.table("plain")?.get("x") == nil)
        #expect(s.variable("e") == .int(6))
        #expect(s.variable("f") == .int(1))
    }

    @Test func countsByNameAndValue() {
        guard let s = HTableScript("""
            modparam("htable", "htable", "a=>size=4")
            request_route {
                $sht(a=>user1) = "alpha";
                $sht(a=>user2) = "beta";
                $sht(a=>admin) = "alphabet";
                $sht(a=>num) = 3;
                $var(re) = $shtcn(a=>~~^user);
                $var(plain) = $shtcn(a=>user);
                $var(prefix) = $shtcn(a=>%~us);
                $var(suffix) = $shtcn(a=>~%min);
                $var(eq) = $shtcn(a=>==num);
                $var(all) = $shtcn(a=>**);
                $var(valre) = $shtcv(a=>~~^alpha);
                $var(valint) = $shtcv(a=>eq3);
                $var(k) = "user";
                $var(dyn) = $shtcn(a=>%~$var(k));
            }
            """) else { return }
        s.run()
        #expect(s.variable("re") == .int(2))
        #expect(s.variable("plain") == .int(2))
        #expect(s.variable("prefix") == .int(2))
        #expect(s.variable("suffix") == .int(1))
        #expect(s.variable("eq") == .int(1))
        #expect(s.variable("all") == .int(4))
        #expect(s.variable("valre") == .int(2))
        #expect(s.variable("valint") == .int(1))
        #expect(s.variable("dyn") == .int(2))
    }

    @Test func badPseudoVariablesAreConfigErrors() {
        for bad in ["$var(x) = $sht(nokey);", "$var(x) = $sht(a=>);", "$var(x) = $shtcn(a=>~~();", "$var(x) = $shtrecord(other);"] {
            let errors = HTableScript.configurationErrors("request_route { \(bad) }")
            #expect(!errors.isEmpty, "'\(bad)' was accepted")
        }
    }
}

@Suite struct HTableExpiryTests {
    @Test func itemsExpireAfterTheirLastUpdate() {
        let clock = TestClock()
        guard let s = HTableScript("""
            modparam("htable", "htable", "t=>size=2;autoexpire=10")
            route[SET] { $sht(t=>k) = "v"; }
            route[GET] { $var(v) = $sht(t=>k); $var(left) = $shtex(t=>k); }
            """, clock: clock) else { return }
        s.run(.named("SET"))
        clock.now += 6
        s.run(.named("GET"))
        #expect(s.variable("v") == .string("v"))
        #expect(s.variable("left") == .int(4))
        // An update restarts the lifetime (updateexpire defaults to 1).
        s.run(.named("SET"))
        clock.now += 8
        s.run(.named("GET"))
        #expect(s.variable("v") == .string("v"))
        clock.now += 3
        s.run(.named("GET"))
        #expect(s.variable("v") == .int(0))
        // Expired but not swept yet: the sweep frees it.
        #expect(s.table("t")?.storedCount == 1)
        #expect(s.table("t")?.removeExpired().map(\.key) == ["k"])
        #expect(s.table("t")?.storedCount == 0)
    }

    @Test func updateExpireOffKeepsTheFirstDeadline() {
        let clock = TestClock()
        guard let s = HTableScript("""
            modparam("htable", "htable", "t=>size=2;autoexpire=10;updateexpire=0")
            route[SET] { $sht(t=>k) = 1; }
            """, clock: clock) else { return }
        s.run(.named("SET"))
        clock.now += 8
        s.run(.named("SET"))
        clock.now += 3
        #expect(s.table("t")?.get("k") == nil)
    }

    @Test func perItemExpiry() {
        let clock = TestClock()
        guard let s = HTableScript("""
            modparam("htable", "htable", "t=>size=2;autoexpire=100")
            modparam("htable", "htable", "forever=>size=2")
            request_route {
                $sht(t=>short) = 1;
                $shtex(t=>short) = 5;
                sht_setxs("t", "x", "val", "3");
                sht_setxi("t", "y", "9", "20");
                $sht(forever=>k) = 1;
                $shtex(forever=>k) = 1;
                $var(fx) = $shtex(forever=>k);
            }
            """, clock: clock) else { return }
        s.run()
        #expect(s.variable("fx") == .int(0))
        #expect(s.table("t")?.secondsToExpire("y") == 20)
        clock.now += 4
        #expect(s.table("t")?.get("short") == .int(1))
        #expect(s.table("t")?.get("x") == nil)
        clock.now += 2
        #expect(s.table("t")?.get("short") == nil)
        #expect(s.table("t")?.get("y") == .int(9))
        // Tables without autoexpire keep items whatever their expiry says (as Kamailio).
        clock.now += 1000
        #expect(s.table("forever")?.get("k") == .int(1))
    }

    @Test func theSweepRunsTheExpiredRoute() {
        let clock = TestClock()
        guard let s = HTableScript("""
            modparam("htable", "htable", "t=>size=2;autoexpire=5")
            modparam("htable", "htable", "log=>size=2")
            route[SET] { $sht(t=>a) = "one"; $sht(t=>b) = 2; }
            event_route[htable:expired:t] {
                $sht(log=>$shtrecord(key)) = $shtrecord(value);
            }
            """, clock: clock) else { return }
        s.run(.named("SET"))
        clock.now += 6
        s.module.sweepExpired(script: s.harness.config.script, worker: WorkerScriptState())
        #expect(s.table("log")?.get("a") == .string("one"))
        #expect(s.table("log")?.get("b") == .int(2))
        #expect(s.table("t")?.storedCount == 0)
    }
}

@Suite struct HTableFunctionTests {
    private static let tables = """
        modparam("htable", "htable", "a=>size=4")
        route[FILL] {
            sht_reset("a");
            $sht(a=>user1) = "alpha";
            $sht(a=>user2) = "beta";
            $sht(a=>admin) = "alphabet";
            $sht(a=>num) = 3;
        }
        """

    private func after(_ body: String) -> HTableScript? {
        guard let s = HTableScript(Self.tables + "\nroute[TEST] {\n\(body)\n}") else { return nil }
        s.run(.named("FILL"))
        s.run(.named("TEST"))
        return s
    }

    private func keys(_ s: HTableScript) -> [String] {
        s.table("a")?.snapshot().flatMap { $0.items.map(\.key) }.sorted() ?? []
    }

    @Test func removeByKey() {
        guard let s = after("$var(r) = sht_rm(\"a\", \"user1\"); $var(bad) = sht_rm(\"nosuch\", \"x\");") else { return }
        #expect(keys(s) == ["admin", "num", "user2"])
        #expect(s.variable("r") == .int(1))
        #expect(s.variable("bad") == .int(-1))
    }

    @Test func removeByRegularExpression() {
        guard let byName = after("sht_rm_name_re(\"a=>^USER\");") else { return }
        #expect(keys(byName) == ["admin", "num"])
        guard let byValue = after("sht_rm_value_re(\"a=>^alpha\");") else { return }
        #expect(keys(byValue) == ["num", "user2"])
    }

    @Test func removeByOperator() {
        guard let sw = after("sht_rm_name(\"a\", \"sw\", \"user\");") else { return }
        #expect(keys(sw) == ["admin", "num"])
        guard let ew = after("sht_rm_value(\"a\", \"ew\", \"bet\");") else { return }
        #expect(keys(ew) == ["num", "user1", "user2"])
        guard let contains = after("sht_rm_name(\"a\", \"in\", \"dmi\");") else { return }
        #expect(keys(contains) == ["num", "user1", "user2"])
        guard let re = after("sht_rm_name(\"a\", \"re\", \"^user[0-9]\");") else { return }
        #expect(keys(re) == ["admin", "num"])
        guard let bad = after("$var(r) = sht_rm_name(\"a\", \"xx\", \"u\");") else { return }
        #expect(bad.variable("r") == .int(-1))
        #expect(keys(bad).count == 4)
    }

    @Test func matchingTests() {
        guard let s = after("""
            $var(m1) = sht_match_name("a", "eq", "admin");
            $var(m2) = sht_has_name("a", "sw", "nobody");
            $var(m3) = sht_match_str_value("a", "re", "^bet");
            $var(m4) = sht_has_str_value("a", "eq", "3");
            $var(m5) = sht_has_name("a", "ne", "admin");
            """) else { return }
        #expect(s.variable("m1") == .int(1))
        #expect(s.variable("m2") == .int(-1))
        #expect(s.variable("m3") == .int(1))
        // Integer values are not string values.
        #expect(s.variable("m4") == .int(-1))
        #expect(s.variable("m5") == .int(1))
    }

    @Test func resetEmptiesTheTable() {
        guard let s = after("sht_reset(\"a\");") else { return }
        #expect(keys(s).isEmpty)
    }

    @Test func locksAreReentrantForTheScriptThatHoldsThem() {
        guard let s = after("""
            $var(l) = sht_lock("a=>user1");
            $sht(a=>user1) = "locked";
            $var(u) = sht_unlock("a=>user1");
            """) else { return }
        #expect(s.variable("l") == .int(1))
        #expect(s.variable("u") == .int(1))
        #expect(s.table("a")?.get("user1") == .string("locked"))
        // The slot is free again: another thread can take it.
        let free = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            s.table("a")?.set("user1", .string("other thread"))
            free.signal()
        }
        #expect(free.wait(timeout: .now() + 10) == .success)
    }

    @Test func iteratorsWalkEveryItem() {
        guard let s = after("""
            $var(names) = "";
            sht_iterator_start("i", "a");
            while (sht_iterator_next("i")) {
                $var(names) = $var(names) + $shtitkey(i) + "=" + $shtitval(i) + ";";
                if ($shtitkey(i) == "num") { sht_iterator_seti("i", "4"); }
                if ($shtitkey(i) == "admin") { sht_iterator_rm("i"); }
            }
            sht_iterator_end("i");
            """) else { return }
        let names = s.variable("names").stringValue.split(separator: ";").sorted()
        #expect(names == ["admin=alphabet", "num=3", "user1=alpha", "user2=beta"])
        #expect(s.table("a")?.get("num") == .int(4))
        #expect(s.table("a")?.get("admin") == nil)
    }
}

@Suite struct HTableConcurrencyTests {
    @Test func concurrentWritersLoseNothing() {
        guard let s = HTableScript("""
            modparam("htable", "htable", "c=>size=4;initval=0")
            route[HIT] { $var(x) = $shtinc(c=>shared); $var(n) = $var(n) + 1; }
            """) else { return }
        let threads = 8
        let rounds = 2000
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let worker = WorkerScriptState()
            for i in 0 ..< rounds {
                _ = s.harness.run(ScriptTestHarness.request(), route: .named("HIT"), worker: worker)
                s.table("c")?.set("t\(t)-\(i)", .int(i))
            }
        }
        #expect(s.table("c")?.get("shared") == .int(threads * rounds))
        #expect(s.table("c")?.count { key, _ in key.hasPrefix("t") } == threads * rounds)
    }
}

@Suite struct HTableModInitTests {
    /// The htable part of the register-auth benchmark config, as it is written there.
    static let registerAuth = """
        #!define NUSERS 1000
        max_while_loops=100000
        modparam("htable", "htable", "creds=>size=12;autoexpire=0;")
        event_route[htable:mod-init] {
            $var(i) = 1;
            while ($var(i) <= NUSERS) {
                $sht(creds=>user$var(i)) = "pw" + $var(i);
                $var(i) = $var(i) + 1;
            }
        }
        request_route {
            if ($sht(creds=>$au) == $null) { $var(found) = 0; exit; }
            $var(pass) = $sht(creds=>$au);
        }
        """

    @Test func theStartUpRouteFillsTheTable() {
        guard let s = HTableScript(Self.registerAuth) else { return }
        let outcome = s.module.runModInit(script: s.harness.config.script, services: s.harness.services)
        #expect(outcome != nil)
        guard let creds = s.table("creds") else {
            Issue.record("no creds table")
            return
        }
        #expect(creds.storedCount == 1000)
        for i in [1, 2, 500, 999, 1000] {
            #expect(creds.get("user\(i)") == .string("pw\(i)"))
        }
        #expect(creds.get("user1001") == nil)
        // A request reads them back by the digest user name.
        let run = s.harness.run(ScriptTestHarness.request(extra: [
            "Authorization: Digest username=\"user42\", realm=\"example.com\", nonce=\"n\", uri=\"sip:example.com\", response=\"r\"",
        ]), worker: s.worker)
        _ = run
        #expect(s.variable("pass") == .string("pw42"))
    }

    @Test func noRouteNoRun() {
        guard let s = HTableScript("modparam(\"htable\", \"htable\", \"a=>size=2\")\nrequest_route { exit; }") else { return }
        #expect(s.module.runModInit(script: s.harness.config.script, services: s.harness.services) == nil)
    }
}

@Suite struct HTableCommandTests {
    private func call(_ s: HTableScript, _ method: String, _ params: [RPCValue]) -> Result<RPCValue, RPCError> {
        guard let command = s.module.rpcCommands.first(where: { $0.name == method }) else {
            return .failure(RPCError(code: -1, message: "no command \(method)"))
        }
        let box = ResultBox()
        command.run(RPCRequest(method: method, parameters: params), RPCResponder { outcome in
            switch outcome {
            case .success(let value, _): box.result = .success(value)
            case .failure(let error): box.result = .failure(error)
            }
        })
        return box.result ?? .failure(RPCError(code: -1, message: "no answer"))
    }

    @Test func setGetDeleteDump() throws {
        guard let s = HTableScript("modparam(\"htable\", \"htable\", \"a=>size=2\")\nrequest_route { exit; }") else { return }
        #expect(try call(s, "htable.sets", [.string("a"), .string("k1"), .string("v1")]).get() == .string("Ok. Key set to new value."))
        #expect(try call(s, "htable.seti", [.string("a"), .string("k2"), .int(5)]).get() == .string("Ok. Key set to new value."))
        guard case .success(.object(let got)) = call(s, "htable.get", [.string("a"), .string("k1")]),
              case .object(let item)? = got["item"] else {
            Issue.record("htable.get did not answer an item")
            return
        }
        #expect(item["name"] == .string("k1"))
        #expect(item["value"] == .string("v1"))
        #expect(item["flags"] == .int(2))
        #expect(call(s, "htable.get", [.string("a"), .string("nope")]) == .failure(RPCError(code: 500, message: "Key name doesn't exist in htable.")))
        #expect(call(s, "htable.get", [.string("zz"), .string("k1")]) == .failure(RPCError(code: 500, message: "No such htable")))
        guard case .success(.array(let slots)) = call(s, "htable.dump", [.string("a")]) else {
            Issue.record("htable.dump did not answer a list")
            return
        }
        let dumped = slots.flatMap { slot -> [RPCValue] in
            guard case .object(let o) = slot, case .array(let items)? = o["slot"] else { return [] }
            return items
        }
        #expect(dumped.count == 2)
        #expect(dumped.contains(.object(RPCObject([("name", .string("k2")), ("value", .int(5)), ("type", .string("int"))]))))
        #expect(try call(s, "htable.delete", [.string("a"), .string("k1")]).get() == .string("Ok. Key deleted."))
        #expect(s.table("a")?.get("k1") == nil)
        #expect(try call(s, "htable.flush", [.string("a")]).get() == .null)
        #expect(s.table("a")?.storedCount == 0)
    }

    @Test func listAndReload() {
        guard let s = HTableScript("modparam(\"htable\", \"htable\", \"a=>size=8;autoexpire=60\")\nrequest_route { exit; }") else { return }
        guard case .success(.array(let list)) = call(s, "htable.listTables", []), case .object(let a)? = list.first else {
            Issue.record("htable.listTables did not answer")
            return
        }
        #expect(a["name"] == .string("a"))
        #expect(a["size"] == .int(256))
        #expect(a["expire"] == .int(60))
        #expect(call(s, "htable.reload", [.string("a")]) == .failure(RPCError(code: 500, message: "htable 'a' has no dbtable")))
        #expect(call(s, "htable.seti", [.string("a"), .string("k")]) == .failure(RPCError(code: 400, message: "Value not found")))
    }
}

final class ResultBox: @unchecked Sendable {
    var result: Result<RPCValue, RPCError>?
}
