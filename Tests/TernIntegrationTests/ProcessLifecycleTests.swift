#if canImport(Glibc)
import Glibc
#endif
import Testing
import TernTestSupport

/// Start, stop and identify the binary.
@Suite("Process lifecycle")
struct ProcessLifecycleTests {
    @Test("stops cleanly on a signal: exit 0 within 5 s", arguments: [SIGTERM, SIGINT])
    func stopsOnSignal(signal: Int32) throws {
        let tern = try TernProcess.start(config: TestConfigs.stateless)
        let result = tern.stop(signal: signal, grace: .seconds(5))
        #expect(!result.killed, "signal \(signal): \(result)\nstderr:\n\(tern.standardError.suffix(2000))")
        #expect(result.status == .exited(0), "signal \(signal): \(result)\nstderr:\n\(tern.standardError.suffix(2000))")
    }

    @Test("a port is free again after the server stopped")
    func releasesPortOnStop() throws {
        let tern = try TernProcess.start(config: TestConfigs.stateless)
        let port = tern.port
        tern.stop()
        #expect(throws: Never.self, "UDP port \(port) still bound after stop") { _ = try UDPEndpoint(port: port) }
    }

    @Test("-V prints a version line starting with `tern `")
    func version() throws {
        let result = try TernProcess.run(arguments: ["-V"], timeout: .seconds(10))
        #expect(result.status == .exited(0), "\(result)")
        let first = result.standardOutput.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("tern "), "first stdout line: `\(first)`\n\(result)")
    }
}
