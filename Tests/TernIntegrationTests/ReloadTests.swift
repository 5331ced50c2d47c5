import Foundation
import Testing
import TernTestSupport

/// SIGHUP reloads the routing script: new messages see the new routes, a config with errors
/// is refused and the old script keeps serving, and no request is lost while it happens.
@Suite("Script reload", .serialized)
struct ReloadTests {
    static func config(reason: String, children: Int = 2, broken: Bool = false) -> String {
        """
        #!KAMAILIO
        debug=2
        log_stderror=yes
        children=\(children)
        listen=udp:127.0.0.1:{PORT}
        listen=tcp:127.0.0.1:{PORT}
        loadmodule "sl.so"
        request_route {
            if (method == "ACK") { exit; }
            sl_send_reply("200", "\(reason)")\(broken ? "" : ";")
            exit;
        }

        """.replacingOccurrences(of: "{PORT}", with: "PORTNUMBER")
    }

    private static func write(_ text: String, to tern: TernProcess) throws {
        // Written beside and renamed over, so a reload never reads half a file.
        let staging = tern.configPath + ".new"
        try text.replacingOccurrences(of: "PORTNUMBER", with: String(tern.port))
            .write(toFile: staging, atomically: false, encoding: .utf8)
        _ = rename(staging, tern.configPath)
    }

    private static func reason(_ tern: TernProcess) throws -> String? {
        try tern.client.exchangeUDP { clientPort in
            SIPRequestBuilder.options(serverPort: tern.port, clientPort: clientPort, user: "reload")
        }?.reasonPhrase
    }

    /// Polls until the reply reason is `expected` (the reload runs on the signal thread).
    private static func awaitReason(_ tern: TernProcess, _ expected: String) throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try reason(tern) == expected { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    private static func start(_ text: String) throws -> TernProcess {
        try TernProcess.start(config: text.replacingOccurrences(of: "PORTNUMBER", with: "{PORT}"))
    }

    @Test func sighupSwitchesToTheNewRoutes() throws {
        let tern = try Self.start(Self.config(reason: "Before"))
        defer { tern.stop() }
        #expect(try Self.reason(tern) == "Before")
        try Self.write(Self.config(reason: "After"), to: tern)
        tern.send(signal: SIGHUP)
        #expect(try Self.awaitReason(tern, "After"), "\(tern.standardError.suffix(2000))")
        #expect(tern.standardError.contains("routing script reloaded"))
    }

    @Test func configWithErrorsIsRefusedAndTheOldScriptServes() throws {
        let tern = try Self.start(Self.config(reason: "Before"))
        defer { tern.stop() }
        try Self.write(Self.config(reason: "Broken", broken: true), to: tern)
        tern.send(signal: SIGHUP)
        let deadline = ContinuousClock.now + .seconds(5)
        while !tern.standardError.contains("reload refused"), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(tern.standardError.contains("reload refused: 1 errors"), "\(tern.standardError.suffix(2000))")
        // The error names the file, line and column of the missing ';'.
        #expect(tern.standardError.contains(tern.configPath + ":10:"), "\(tern.standardError.suffix(2000))")
        #expect(try Self.reason(tern) == "Before")
        #expect(tern.isRunning)
    }

    @Test func changedCoreParametersNeedARestart() throws {
        let tern = try Self.start(Self.config(reason: "Before"))
        defer { tern.stop() }
        try Self.write(Self.config(reason: "After", children: 3), to: tern)
        tern.send(signal: SIGHUP)
        let deadline = ContinuousClock.now + .seconds(5)
        while !tern.standardError.contains("reload refused"), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(tern.standardError.contains("core parameters changed"), "\(tern.standardError.suffix(2000))")
        #expect(try Self.reason(tern) == "Before")
    }

    /// SIPp sends 1,000 OPTIONS/s for 10 s while the script is reloaded 20 times: every
    /// request is answered, and afterwards the replies come from the last script loaded.
    @Test(.enabled(if: SIPpRunner.isAvailable, "sipp is not installed"))
    func twentyReloadsUnderLoadLoseNothing() throws {
        let tern = try Self.start(Self.config(reason: "Version0"))
        defer { tern.stop() }
        let sipp = SIPpRunner(scenario: "options.xml", serverPort: tern.port, calls: 10_000, rate: 1_000,
                              transport: .udp, timeout: .seconds(40))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<SIPpResult, Error>?
        DispatchQueue.global().async {
            outcome = Result { try sipp.run() }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)
        for version in 1...20 {
            try Self.write(Self.config(reason: "Version\(version)"), to: tern)
            tern.send(signal: SIGHUP)
            Thread.sleep(forTimeInterval: 0.4)
        }
        done.wait()
        let result = try #require(try outcome?.get())
        #expect(result.successfulCalls == 10_000, "\(result)")
        #expect(result.failedCalls == 0, "\(result)")
        #expect(try Self.awaitReason(tern, "Version20"), "\(tern.standardError.suffix(2000))")
        let reloads = tern.standardError.components(separatedBy: "routing script reloaded").count - 1
        #expect(reloads == 20, "\(tern.standardError.suffix(3000))")
    }
}
