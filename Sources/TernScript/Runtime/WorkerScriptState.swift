import Logging

/// What one worker thread keeps between messages: `$var` values (per worker, like Kamailio's
/// per-process pkg memory), its logger and its random source. Never shared between threads,
/// so its fields skip the runtime's exclusivity tracking.
public final class WorkerScriptState {
    /// `$var(name)` values by slot (see VariableSlots); a slot never written reads as int 0.
    @exclusivity(unchecked) var variables: [ScriptValue] = []
    /// `$vn(name)` values by slot; a slot never written reads as null.
    @exclusivity(unchecked) var nullableVariables: [ScriptValue] = []
    public var logger: Logger
    /// The runtime this worker serves (TernRuntime's RuntimeServices), for core functions
    /// that act beyond the message, such as forward(). Set once when the worker is made.
    public var runtime: AnyObject?
    @exclusivity(unchecked) private var randomState: UInt64

    public init() {
        logger = Logger(label: "script")
        var seed = UInt64(0)
        while seed == 0 { seed = UInt64.random(in: 1...UInt64.max) }
        randomState = seed
    }

    public init(logger: Logger) {
        self.logger = logger
        var seed = UInt64(0)
        while seed == 0 { seed = UInt64.random(in: 1...UInt64.max) }
        randomState = seed
    }

    @inline(__always) func variable(_ slot: Int) -> ScriptValue {
        slot < variables.count ? variables[slot] : .int(0)
    }

    @inline(__always) func setVariable(_ slot: Int, _ value: ScriptValue) {
        if slot >= variables.count {
            variables.append(contentsOf: repeatElement(.int(0), count: slot + 1 - variables.count))
        }
        variables[slot] = value
    }

    @inline(__always) func nullableVariable(_ slot: Int) -> ScriptValue {
        slot < nullableVariables.count ? nullableVariables[slot] : .null
    }

    @inline(__always) func setNullableVariable(_ slot: Int, _ value: ScriptValue) {
        if slot >= nullableVariables.count {
            nullableVariables.append(contentsOf: repeatElement(.null, count: slot + 1 - nullableVariables.count))
        }
        nullableVariables[slot] = value
    }

    /// Reads `$var(name)` by name (for tests and management commands).
    public func variable(named name: String) -> ScriptValue {
        guard let slot = VariableSlots.existingSlot(for: name) else { return .int(0) }
        return variable(slot)
    }

    /// A non-negative random 31-bit value (like C's rand()), from a per-worker xorshift state.
    func nextRandom() -> Int {
        randomState ^= randomState << 13
        randomState ^= randomState >> 7
        randomState ^= randomState << 17
        return Int(randomState >> 33)
    }
}

/// Slots for `$var` names, shared by every compiled script so that a worker's values keep their
/// meaning across a reload. Touched only while compiling.
enum VariableSlots {
    private static let lock = Lock()
    nonisolated(unsafe) private static var slots: [String: Int] = [:]

    static func slot(for name: String) -> Int {
        lock.withLock {
            if let s = slots[name] { return s }
            let s = slots.count
            slots[name] = s
            return s
        }
    }

    static func existingSlot(for name: String) -> Int? {
        lock.withLock { slots[name] }
    }
}
