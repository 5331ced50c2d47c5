import SIPCore
import SIPTransport
import TernScript
import Testing
@testable import TernRuntime

@Suite struct CoreSettingsTests {
    private func global(_ name: String, _ value: GlobalValue) -> GlobalSetting {
        GlobalSetting(name: name, value: value, location: SourceLocation(file: "t.cfg", line: 1, column: 1))
    }

    @Test func bareListenMeansUDPAndTCP() throws {
        let settings = try CoreSettings(globals: [
            global("listen", .listen(ListenSpec(proto: nil, host: "127.0.0.1", port: 5070))),
        ])
        #expect(settings.listens == [
            ListenAddress(proto: .udp, host: "127.0.0.1", port: 5070),
            ListenAddress(proto: .tcp, host: "127.0.0.1", port: 5070),
        ])
    }

    @Test func portGlobalAppliesToListensWithoutPort() throws {
        let settings = try CoreSettings(globals: [
            global("port", .int(5080)),
            global("listen", .listen(ListenSpec(proto: .udp, host: "127.0.0.1", port: nil))),
        ])
        #expect(settings.listens == [ListenAddress(proto: .udp, host: "127.0.0.1", port: 5080)])
    }

    @Test func disableTCPDropsStreamListeners() throws {
        let settings = try CoreSettings(globals: [
            global("disable_tcp", .int(1)),
            global("listen", .listen(ListenSpec(proto: nil, host: "127.0.0.1", port: 5070))),
        ])
        #expect(settings.listens.map(\.proto) == [.udp])
    }

    @Test func noListenMeansEveryAddress() throws {
        let settings = try CoreSettings(globals: [])
        #expect(settings.listens.map(\.host) == ["0.0.0.0", "0.0.0.0"])
        #expect(settings.listens.allSatisfy { $0.port == 5060 })
    }

    @Test func commandLineOverridesWin() throws {
        var overrides = CoreSettings.Overrides()
        overrides.children = 3
        overrides.listens = ["tcp:127.0.0.1:5099"]
        overrides.extraDebug = 2
        let settings = try CoreSettings(globals: [global("children", .int(8)), global("debug", .int(1))], overrides: overrides)
        #expect(settings.children == 3)
        #expect(settings.debugLevel == 3)
        #expect(settings.listens.contains(ListenAddress(proto: .tcp, host: "127.0.0.1", port: 5099)))
    }

    @Test func serverSignatureOffRemovesServerHeader() throws {
        let settings = try CoreSettings(globals: [global("server_signature", .int(0))])
        #expect(settings.serverHeader == nil)
    }

    @Test func outOfRangePortIsAConfigError() {
        #expect(throws: ConfigurationError.self) {
            try CoreSettings(globals: [global("listen", .listen(ListenSpec(proto: .udp, host: "127.0.0.1", port: 70000)))])
        }
    }

    @Test func debugScaleMapsToLogLevels() {
        #expect(ScriptLogLevel.level(-1) == .error)
        #expect(ScriptLogLevel.level(0) == .warning)
        #expect(ScriptLogLevel.level(2) == .info)
        #expect(ScriptLogLevel.level(3) == .debug)
    }
}
