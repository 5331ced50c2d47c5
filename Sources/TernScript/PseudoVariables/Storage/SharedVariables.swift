/// `$shv(name)`: variables shared by every worker of the process, each behind its own lock.
/// They start as int 0 (pv's `shvset` parameter gives another start value through
/// `SharedVariables.process.set`) and keep their values across script reloads.
public final class SharedVariables: @unchecked Sendable {
    public static let process = SharedVariables()

    /// One shared variable; a reference resolved when the script is loaded.
    public final class Variable: @unchecked Sendable {
        public let name: String
        private let lock = Lock()
        private var value: ScriptValue = .int(0)

        init(name: String) { self.name = name }

        public func get() -> ScriptValue { lock.withLock { value } }
        public func set(_ v: ScriptValue) { lock.withLock { value = v } }
    }

    private let lock = Lock()
    private var variables: [String: Variable] = [:]

    public init() {}

    /// The variable of that name, made (as int 0) on first use.
    public func variable(named name: String) -> Variable {
        lock.withLock {
            if let v = variables[name] { return v }
            let v = Variable(name: name)
            variables[name] = v
            return v
        }
    }

    public func set(_ name: String, _ value: ScriptValue) { variable(named: name).set(value) }
    public func get(_ name: String) -> ScriptValue { variable(named: name).get() }

    /// Every variable's name and value, sorted by name (for management commands).
    public var snapshot: [(name: String, value: ScriptValue)] {
        let all = lock.withLock { Array(variables.values) }
        return all.map { ($0.name, $0.get()) }.sorted { $0.name < $1.name }
    }
}
