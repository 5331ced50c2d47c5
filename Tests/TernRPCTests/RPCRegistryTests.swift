#if canImport(Glibc)
import Glibc
#endif
import Testing
import TernRuntime

@Suite("RPC registry, responder and SER text rendering")
struct RPCRegistryTests {
    @Test func registrationLookupAndDispatch() {
        let registry = RPCRegistry()
        #expect(registry.register(RPCCommand(name: "core.echo", help: "echo") { request in .array(request.parameters) }))
        #expect(!registry.register(RPCCommand(name: "core.echo", help: "shadow") { _ in "shadowed" }))
        #expect(registry.command(named: "CORE.ECHO")?.help == "echo")
        #expect(registry.call(RPCRequest(method: "core.echo", parameters: ["a", 1])) == .success(["a", 1], status: "200 OK"))
        #expect(registry.call(RPCRequest(method: "nope")) == .failure(.methodNotFound))
        #expect(registry.sortedNames == ["core.echo"])
    }

    @Test func throwingCommandsAnswerWithTheirError() {
        let registry = RPCRegistry()
        registry.register(RPCCommand(name: "need.one", help: "") { request throws(RPCError) -> RPCValue in
            .string(try request.string(0, missing: "need.one: parameter expected"))
        })
        #expect(registry.call(RPCRequest(method: "need.one")) == .failure(RPCError(code: 400, message: "need.one: parameter expected")))
        #expect(registry.call(RPCRequest(method: "need.one", parameters: [5])) == .success("5", status: "200 OK"))
    }

    @Test func aResponderAnswersOnce() {
        let answers = Counter()
        let responder = RPCResponder { _ in answers.add() }
        responder.reply("first")
        responder.fail(.failed("late"))
        responder.reply("again")
        #expect(answers.value == 1)
        #expect(responder.hasAnswered)
    }

    @Test func serTextRendering() {
        #expect(SERTextRendering.render(.failure(RPCError(code: 500, message: "command 'foobar' not available"))) == "500 command 'foobar' not available\n")
        #expect(SERTextRendering.render(.success(["ps", "which"], status: "200 OK")) == "200 OK\nps\nwhich\n")
        #expect(SERTextRendering.render(.success("line 1\nline 2\n", status: "200 Added to table")) == "200 Added to table\nline 1\nline 2\n")
        #expect(SERTextRendering.render(.success(.null, status: "200 OK")) == "200 OK\n")
        let nested: RPCValue = .object(["AoR": "bob", "Contacts": [.object(["Address": "sip:b@h", "Q": .double(0.5)])]])
        #expect(SERTextRendering.lines(nested) == ["AoR: bob", "Contacts:", "\tAddress: sip:b@h", "\tQ: 0.5"])
    }

    @Test func uptimeLinesAsSER() {
        let text = ServerClockText.uptimeLines(now: 1_000_003, since: 1_000_000)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("Now: ") && lines[1].hasPrefix("Up Since: "))
        #expect(lines[2] == "Up time: 3 [sec]")
        #expect(ServerClockText.ctime(0).hasSuffix("1970") || ServerClockText.ctime(0).hasSuffix("1969"))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLockLike()
    private var count = 0
    func add() { lock.locked { count += 1 } }
    var value: Int { lock.locked { count } }
}

/// A tiny mutex for test bookkeeping.
final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
