// TernTestSupport: what tests need to drive the real `tern` binary from outside, and to run a
// route on a message in process.
//
// It owns: finding the binary and the shared reference folders (`PackagePaths`), free loopback
// ports (`FreePort`), child processes that are always reaped (`ChildProcess`), the server on
// 127.0.0.1 with its captured output (`TernProcess`), SIPp runs (`SIPpRunner`), raw UDP/TCP
// exchanges (`RawSIPClient`, `UDPEndpoint`, `TCPConnection`), request builders
// (`SIPRequestBuilder`), a small independent reply reader for assertions (`SIPReply`) and the
// RFC 4475/5118 vectors (`ConformanceCorpus`). In process: `ScriptTestHarness` compiles a
// config with the real checker, configures the modules it loads and runs its routes on parsed
// messages (built by its `request`/`reply`/`message`), capturing replies (`CapturedReplies`)
// and log lines (`CapturedLog`). `TestConfigHead` is the start test configs share.
//
// It imports no test framework, so any test target (Swift Testing or XCTest) can use it, and it
// reads replies with its own small parser rather than SIPCore's, so a SIPCore bug cannot hide
// itself in the tests that are meant to catch it.
