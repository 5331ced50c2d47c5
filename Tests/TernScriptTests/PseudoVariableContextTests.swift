#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import Testing

@testable import TernScript

@Suite struct PseudoVariableContextTests {
    @Test func networkAddresses() {
        // Formats as Kamailio 5.6.3 printed them for UDP (si=…, su=sip:ip:port, sut=…;transport=udp,
        // sas=udp:ip:port, Ras=udp:ip:port, pr=udp, prid=1, af(id)=2, af(name)=IPv4, fsp=0).
        #expect(expand("$si|$sp|$siz|$su|$sut|$sas|$src_ip|$src_port") == "192.0.2.10|5062|192.0.2.10|sip:192.0.2.10:5062|sip:192.0.2.10:5062;transport=udp|udp:192.0.2.10:5062|192.0.2.10|5062")
        #expect(expand("$Ri|$Rp|$Ru|$Rut|$Ras|$RAi|$RAp|$RAu|$RAut|$Rn") == "127.0.0.1|5070|sip:127.0.0.1:5070|sip:127.0.0.1:5070;transport=udp|udp:127.0.0.1:5070|127.0.0.1|5070|sip:127.0.0.1:5070|sip:127.0.0.1:5070;transport=udp|<null>")
        #expect(expand("$pr|$proto|$prid|$af(id)|$af(name)|$fs|$fsp") == "udp|udp|1|2|IPv4|<null>|0")
        // Over TCP the short URIs carry the transport too.
        guard let tcp = runRoute("record(\"$su|$Ru|$pr|$prid\");", proto: .tcp) else { return }
        #expect(tcp.values == ["sip:192.0.2.10:5062;transport=tcp|sip:127.0.0.1:5070;transport=tcp|tcp|2"])
        // IPv6 sources: bare in $si, bracketed in $siz and URIs.
        let v6 = makeContext(PVTestMessages.invite, source: SocketAddressText(ip: "2001:db8::1", port: 5060),
                             local: SocketAddressText(ip: "2001:db8::2", port: 5060))
        let recorder = Recorder()
        guard let config = loadValid("loadmodule \"probe\"\nrequest_route { record(\"$si|$siz|$su|$af(id)|$af(name)\"); }",
                                     symbols: TestModules.symbols(recorder)) else { return }
        _ = config.script.run(.request, v6)
        #expect(recorder.values == ["2001:db8::1|[2001:db8::1]|sip:[2001:db8::1]:5060|10|IPv6"])
        // $fs: written proto:host:port; port defaults to 5060; nonsense is refused.
        let run = runRoute("""
            $fs = "tcp:10.0.0.1:5080"; record("$fs|$fsp");
            $fs = "10.0.0.2"; record("$fs|$fsp");
            $fs = "udp:[2001:db8::5]:5070"; record("$fs");
            $fs = "tcp:10.0.0.1:99999"; record("$fs");
            $fs = $null; record("$fs|$fsp");
            """)
        #expect(run?.values == ["tcp:10.0.0.1:5080|5080", "udp:10.0.0.2:5060|5060", "udp:[2001:db8::5]:5070", "udp:[2001:db8::5]:5070", "<null>|0"])
        #expect(run?.context.forcedSendSocket == nil)
    }

    @Test func flags() {
        // Kamailio 5.6.3: after setflag(0); setflag(3): mf=9 mF=00000009; setbflag(2): bf=4
        // bF=00000004; sf=0 sF=00000000.
        let run = runRoute("""
            record("$mf|$mF|$bf|$bF|$sf|$sF");
            $mf = 9; $bf = 4; $sF = 255;
            record("$mf|$mF|$bf|$bF|$sf|$sF");
            $mf = "12"; $bf = $null;
            record("$mf|$bf");
            """)
        #expect(run?.values == ["0|00000000|0|00000000|0|00000000", "9|00000009|4|00000004|255|000000ff", "9|0"])
        #expect(run?.context.messageFlags == 9)
        #expect(run?.context.scriptFlags == 255)
        // One flag at a time, by number or declared name.
        let recorder = Recorder()
        guard let config = loadValid("""
            loadmodule "probe"
            flags FLT_X:5;
            request_route {
                $Mf(3) = 1; $Mf(FLT_X) = 1; $Bf(1) = 1; $Sf(0) = 1;
                record("$mf|$Mf(3)|$Mf(2)|$Mf(FLT_X)|$bf|$Bf(1)|$sf");
                $Mf(3) = 0;
                record("$mf");
            }
            """, symbols: TestModules.symbols(recorder)) else { return }
        _ = config.script.run(.request, makeContext(PVTestMessages.invite))
        #expect(recorder.values == ["40|1|0|1|2|1|1", "32"])
        let declared = loadErrors("request_route { $Mf(NOPE) = 1; $Mf(40) = 1; }").map(\.message)
        #expect(declared == ["bad flag 'NOPE' in $Mf", "bad flag '40' in $Mf"])
    }

    @Test func branches() {
        // Kamailio 5.6.3 after $du = …; append_branch("sip:b1@10.0.0.1", "0.5");
        // append_branch("sip:b2@10.0.0.2"): ds=Contact: <sip:b1@10.0.0.1>;q=0.5, <sip:b2@10.0.0.2>
        // br=sip:b1@10.0.0.1 bR=<sip:b1@10.0.0.1>;q=0.5, sip:b2@10.0.0.2; with no branches all null.
        #expect(expand("$ds|$br|$bR") == "<null>|<null>|<null>")
        let withBranches = expand("$ds|$br|$bR") { ctx in
            ctx.branches = [ScriptBranch(uri: "sip:b1@10.0.0.1", q: 500), ScriptBranch(uri: "sip:b2@10.0.0.2")]
        }
        #expect(withBranches == "Contact: <sip:b1@10.0.0.1>;q=0.5, <sip:b2@10.0.0.2>|sip:b1@10.0.0.1|<sip:b1@10.0.0.1>;q=0.5, sip:b2@10.0.0.2")
        // A rewritten R-URI leads $ds; assigning $br appends a branch.
        let run = runRoute("$ru = \"sip:new@example.com\"; $br = \"sip:c@10.0.0.3\"; record(\"$ds|$br\");")
        #expect(run?.values == ["Contact: <sip:new@example.com>, <sip:c@10.0.0.3>|sip:c@10.0.0.3"])
        #expect(run?.context.branches.map(\.uri) == ["sip:c@10.0.0.3"])
        #expect(BranchPseudoVariables.qText(1000) == "1")
        #expect(BranchPseudoVariables.qText(50) == "0.05")
        #expect(BranchPseudoVariables.qText(125) == "0.125")
        #expect(BranchPseudoVariables.qText(0) == "0")
    }

    @Test func time() {
        // A fixed receive time: 2021-03-04 05:06:07 UTC, a Thursday, day 63 of the year.
        let at = ReceiveTime(seconds: 1_614_834_367, microseconds: 42)
        let utc = expand("$Ts|$TV(s)|$TV(u)|$utime(year)|$utime(mon)|$utime(mday)|$utime(hour)|$utime(min)|$utime(sec)|$utime(wday)|$utime(yday)|$utimef(%Y-%m-%dT%H:%M:%S)") {
            $0.receiveTime = at
        }
        #expect(utc == "1614834367|1614834367|42|2021|3|4|5|6|7|5|63|2021-03-04T05:06:07")
        // $Tf is ctime() without the newline; $time and $timef use the local zone.
        let local = expand("$Tf|$time(year)|$timef(%Y%m%d%H%M%S)") { $0.receiveTime = at }
        #expect(local == "\(ctimeText(at.seconds))|\(TimeText.format("%Y", seconds: at.seconds, utc: false))|\(TimeText.format("%Y%m%d%H%M%S", seconds: at.seconds, utc: false))")
        // Now-values move with the clock; the receive time stays.
        guard let values = runRoute("record(\"$TS|$Ts|$Tb|$TV(sn)|$TV(Sn)\");")?.values, let line = values.first else { return }
        let parts = line.split(separator: "|").map(String.init)
        let now = TimeText.now().seconds
        #expect(parts.count == 5)
        #expect(parts.prefix(4).allSatisfy { Int($0).map { abs($0 - now) <= 5 || $0 == TimePseudoVariables.startTime } ?? false })
        #expect(parts[4].split(separator: ".").last?.count == 6)
        #expect(loadErrors("request_route { $var(x) = $time(%Y); }").first?.message.contains("unknown key '%Y'") == true)
    }

    @Test func controlAndConstants() {
        #expect(expand("$true|$null|$K(IPv4)|$K(IPv6)|$K(UDP)|$K(TCP)|$K(TLS)|$K(SCTP)|$K(WS)|$K(WSS)") == "1|<null>|2|10|1|2|3|4|5|6")
        #expect(expand("$pp") == String(currentProcessID()))
        #expect(expand("$env(PATH)") == String(cString: getenv("PATH")))
        #expect(expand("$env(TERN_SURELY_NOT_SET_X)") == "<null>")
        let randoms = runRoute("record(\"$RANDOM\"); record(\"$RANDOM\"); record(\"$RANDOM\");")?.values ?? []
        #expect(randoms.count == 3 && randoms.allSatisfy { (Int($0) ?? -1) >= 0 } && Set(randoms).count > 1)
        #expect(runRoute("ret(-3); record(\"$rc|$retcode|$?\");")?.values == ["-3|-3|-3"])
    }

    @Test func scriptVariables() {
        // Kamailio 5.6.3: $vz(a) unset = 0, $vn(b) unset = <null>; $var and $vz share values;
        // $vn(d) = $null gives null, $vz(e) = $null gives 0.
        let worker = WorkerScriptState()
        let run = runRoute("""
            record("$var(a)|$vz(a)|$vn(b)");
            $var(c) = 5; $vn(d) = "x"; $vn(d) = $null; $vz(e) = "y"; $vz(e) = $null;
            record("$vz(c)|$vn(d)|$vz(e)|$var(d)");
            $vn(c) = "own";
            record("$var(c)|$vn(c)");
            """, worker: worker)
        #expect(run?.values == ["0|0|<null>", "5|<null>|0|0", "5|own"])
        // Values survive into the next message on the same worker.
        #expect(runRoute("record(\"$var(c)|$vn(c)\");", worker: worker)?.values == ["5|own"])
    }
}
