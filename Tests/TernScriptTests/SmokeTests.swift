import SIPCore
import Testing

@testable import TernScript

@Suite struct SmokeTests {
    @Test func statelessConfigRuns() throws {
        let sl = Recorder()
        let config = try #require(loadValid("""
            #!KAMAILIO
            loadmodule "sl.so"
            request_route {
                if (method=="ACK") {
                    exit;
                }
                sl_send_reply("200", "OK $rm");
                exit;
            }
            """, symbols: TestModules.symbols(sl: sl)))
        let (outcome, _) = runRequest(config)
        #expect(outcome.exited)
        #expect(sl.values == ["200 OK INVITE"])
        _ = runRequest(config, sipRequest("ACK"))
        #expect(sl.values.count == 1)
    }
}
