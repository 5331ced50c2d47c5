import Testing
import TernTestSupport

/// One server for a whole suite (its tests see it as `SharedTern.current`), started before the
/// suite's first test and stopped after its last — also when tests fail.
struct SharedTernTrait: SuiteTrait, TestScoping {
    let config: String

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let tern = try TernProcess.start(config: config)
        defer { tern.stop() }
        try await SharedTern.$current.withValue(tern) {
            try await function()
        }
    }
}

extension Trait where Self == SharedTernTrait {
    /// Runs the suite against one `tern` started with `config`.
    static func sharedTern(config: String) -> Self { SharedTernTrait(config: config) }
}

enum SharedTern {
    @TaskLocal static var current: TernProcess?

    /// The suite's server, or a recorded failure saying why there is none.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> TernProcess {
        let tern = try #require(current, "no shared tern: the suite lacks .sharedTern(config:)",
                                sourceLocation: sourceLocation)
        if let status = tern.exitStatus {
            Issue.record("the suite's tern is no longer running (\(status)); an earlier test killed it.\nstderr:\n\(tern.standardError)",
                         sourceLocation: sourceLocation)
            throw ServerGone()
        }
        return tern
    }

    struct ServerGone: Error {}
}

/// Checks the server still answers an OPTIONS, and says what it was doing if not.
func expectStillServing(_ tern: TernProcess, after what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    if tern.answersPing(timeout: .seconds(3)) { return }
    let state = tern.exitStatus.map { "it exited: \($0)" } ?? "it is running but silent"
    Issue.record("tern no longer answers OPTIONS after \(what) — \(state).\nstderr (tail):\n\(String(tern.standardError.suffix(3000)))",
                 sourceLocation: sourceLocation)
}

extension ConformanceVector: CustomTestStringConvertible {
    public var testDescription: String { "\(suite)/\(file) (\(classification))" }
}
