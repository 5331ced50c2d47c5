import TernScript

/// Every management command of the running server: the core's and each loaded module's
/// (`TernModule.rpcCommands`), registered while the server starts; modules may add more in
/// `start`. Looked up once per management request, never per SIP message.
public final class RPCRegistry: @unchecked Sendable {
    private let lock = Lock()
    private var byName: [String: RPCCommand] = [:]
    private var byLowercasedName: [String: RPCCommand] = [:]
    private var order: [RPCCommand] = []

    public init() {}

    /// Adds a command. A second command with a name already taken is refused (false): the
    /// first registration keeps serving, so a module cannot shadow a core command.
    @discardableResult
    public func register(_ command: RPCCommand) -> Bool {
        lock.withLock {
            guard byName[command.name] == nil else { return false }
            byName[command.name] = command
            let lowered = command.name.lowercased()
            if byLowercasedName[lowered] == nil { byLowercasedName[lowered] = command }
            order.append(command)
            return true
        }
    }

    public func register(_ commands: [RPCCommand]) {
        for command in commands { register(command) }
    }

    /// The command of that name; SER matched FIFO command names case-insensitively, so an
    /// exact match is tried first, then one ignoring case.
    public func command(named name: String) -> RPCCommand? {
        lock.withLock { byName[name] ?? byLowercasedName[name.lowercased()] }
    }

    /// Every command, in registration order.
    public var all: [RPCCommand] { lock.withLock { order } }

    /// Every command name, sorted (system.listMethods).
    public var sortedNames: [String] { all.map(\.name).sorted() }

    /// Runs `request`; an unknown method is answered with `notFound`.
    public func dispatch(_ request: RPCRequest, notFound: RPCError = .methodNotFound, responder: RPCResponder) {
        guard let command = command(named: request.method) else {
            responder.fail(notFound)
            return
        }
        command.run(request, responder)
    }

    /// Runs `request` and waits for its answer (tests, the in-process callers). Commands
    /// that answer later block the caller until they do, up to `timeoutMilliseconds`.
    public func call(_ request: RPCRequest, timeoutMilliseconds: Int = 30_000) -> RPCResponder.Outcome {
        let box = OutcomeBox()
        dispatch(request, responder: RPCResponder { box.put($0) })
        return box.wait(timeoutMilliseconds: timeoutMilliseconds)
            ?? .failure(RPCError(code: 504, message: "command '\(request.method)' did not answer in time"))
    }
}
