#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TernRuntime
import TernScript

/// cfgutils — script utilities: rand_event() true with the current probability and
/// rand_set_prob / rand_reset_prob / rand_get_prob (shared by all workers), sleep / usleep
/// (the worker blocks, as a Kamailio process does), lock / trylock / unlock on a keyed lock
/// set (`lock_set_size`), global flags, core_hash, abort() and `$RANDOM`.
final class CfgUtilsModule: TernModule, @unchecked Sendable {
    let name = "cfgutils"
    private var initialProbability = 10
    private let switches = SharedSwitches(probability: 10, flags: 0)
    private var locks: KeyedLockSet?
    private var services: RuntimeServices?

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: [
                ParameterDeclaration(name: "initial_probability", type: .int),
                ParameterDeclaration(name: "initial_gflags", type: .int),
                ParameterDeclaration(name: "lock_set_size", type: .int),
            ],
            functions: randomFunctions + sleepFunctions + lockFunctions + flagFunctions + [coreHash, abortFunction],
            pseudoVariables: [
                PseudoVariableDeclaration(name: "RANDOM") { _ in .int(Int.random(in: 0 ... Int(Int32.max))) },
            ])
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        var flags: UInt32 = 0
        for p in parameters {
            guard case .int(let value) = p.value else { continue }
            switch p.parameter {
            case "initial_probability":
                guard (0...100).contains(value) else {
                    throw ConfigurationError("cfgutils: invalid probability <\(value)> (0 to 100)", at: p.location)
                }
                initialProbability = value
            case "initial_gflags":
                flags = UInt32(truncatingIfNeeded: value)
            case "lock_set_size":
                var exponent = value
                if exponent > 14 {
                    services.logger.warning("cfgutils: lock set size too large (\(value)), making it 14")
                    exponent = 14
                }
                locks = exponent > 0 ? KeyedLockSet(exponent: exponent) : nil
            default:
                break
            }
        }
        switches.replace(probability: initialProbability, flags: flags)
    }

    // MARK: - Probability

    private var randomFunctions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "rand_set_prob", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
                [unowned self] args, _ throws(Diagnostic) in
                guard args[0].isConstant, let percent = args[0].constantInt, (0...100).contains(percent) else {
                    throw .error("rand_set_prob: invalid probability '\(args[0].literalText ?? "")' (a constant 0 to 100)",
                                 at: args[0].location)
                }
                return { _ in
                    self.switches.probability = percent
                    return 1
                }
            },
            FunctionDeclaration(name: "rand_reset_prob", argumentCounts: 0...0, routeTypes: .any) { [unowned self] _, _ throws(Diagnostic) in
                { _ in
                    self.switches.probability = self.initialProbability
                    return 1
                }
            },
            // Returns the probability itself, so 0 stops the script as in Kamailio.
            FunctionDeclaration(name: "rand_get_prob", argumentCounts: 0...0, routeTypes: .any) { [unowned self] _, _ throws(Diagnostic) in
                { _ in self.switches.probability }
            },
            FunctionDeclaration(name: "rand_event", argumentCounts: 0...0, routeTypes: .any) { [unowned self] _, _ throws(Diagnostic) in
                { _ in
                    let percent = self.switches.probability
                    if percent <= 0 { return -1 }
                    if percent >= 100 { return 1 }
                    return Double.random(in: 0 ..< 1) < Double(percent) / 100 ? 1 : -1
                }
            },
        ]
    }

    // MARK: - Sleeping

    private var sleepFunctions: [FunctionDeclaration] {
        [("sleep", 1_000_000), ("usleep", 1)].map { (function, microsecondsPerUnit) in
            FunctionDeclaration(name: function, argumentCounts: 1...1, routeTypes: .any) { args, at throws(Diagnostic) in
                let duration = try IntegerArgument(args[0], function: function, what: "time", range: 0 ... Int(Int32.max))
                return { ctx in
                    guard let units = duration.value(ctx), units >= 0 else {
                        ctx.logFunctionError(function, "cannot get time interval value", at: at)
                        return -1
                    }
                    CfgUtilsModule.pause(microseconds: units * microsecondsPerUnit)
                    return 1
                }
            }
        }
    }

    private static func pause(microseconds: Int) {
        var request = timespec(tv_sec: microseconds / 1_000_000, tv_nsec: (microseconds % 1_000_000) * 1000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }

    // MARK: - Locks

    private var lockFunctions: [FunctionDeclaration] {
        ["lock", "trylock", "unlock"].map { function in
            FunctionDeclaration(name: function, argumentCounts: 1...1, routeTypes: .any) { [unowned self] args, at throws(Diagnostic) in
                let key = args[0]
                return { ctx in
                    guard let locks = self.locks else {
                        ctx.logFunctionError(function, "lock set not initialized - see modparam lock_set_size", at: at)
                        return -1
                    }
                    let name = key.evaluateString(ctx) ?? ""
                    switch function {
                    case "unlock":
                        locks.release(name)
                        return 1
                    default:
                        switch locks.acquire(name, wait: function == "lock") {
                        case .acquired: return 1
                        case .busy: return -1
                        case .heldBySelf:
                            ctx.logFunctionError(function, "this worker holds the lock for '\(name)' already", at: at)
                            return -1
                        }
                    }
                }
            }
        }
    }

    // MARK: - Global flags

    private var flagFunctions: [FunctionDeclaration] {
        ["set_gflag", "reset_gflag", "is_gflag"].map { function in
            FunctionDeclaration(name: function, argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) {
                [unowned self] args, _ throws(Diagnostic) in
                guard args[0].isConstant, let bit = args[0].constantInt, bit >= 0 else {
                    throw .error("\(function): bad number '\(args[0].literalText ?? "")'", at: args[0].location)
                }
                guard bit < 32 else {
                    throw .error("\(function): flag <\(bit)> out of range [0..31]", at: args[0].location)
                }
                let mask = UInt32(1) << UInt32(bit)
                return { _ in
                    switch function {
                    case "set_gflag": self.switches.setFlags(mask)
                    case "reset_gflag": self.switches.resetFlags(mask)
                    default: return self.switches.flags & mask != 0 ? 1 : -1
                    }
                    return 1
                }
            }
        }
    }

    // MARK: - core_hash, abort

    /// core_hash(s1, s2, n): Kamailio's core hash of s1 (and s2 when not empty) in a table of
    /// 2^n slots (2 when n ≤ 0), plus one so the result is always true.
    private var coreHash: FunctionDeclaration {
        FunctionDeclaration(name: "core_hash", argumentCounts: 3...3, routeTypes: .any) { args, at throws(Diagnostic) in
            let first = args[0], second = args[1]
            let size = try IntegerArgument(args[2], function: "core_hash", what: "size")
            return { ctx in
                guard let exponent = size.value(ctx) else {
                    ctx.logFunctionError("core_hash", "invalid size parameter", at: at)
                    return -1
                }
                let s2 = Array((second.evaluateString(ctx) ?? "").utf8)
                let hash = CoreHash.hash(Array((first.evaluateString(ctx) ?? "").utf8), s2.isEmpty ? nil : s2)
                let bits = exponent <= 0 ? 1 : min(exponent, 31)
                return Int(hash & ((UInt32(1) << UInt32(bits)) &- 1)) + 1
            }
        }
    }

    /// abort(): logs and ends the process at once (a debugging aid, as in Kamailio).
    private var abortFunction: FunctionDeclaration {
        FunctionDeclaration(name: "abort", argumentCounts: 0...0, routeTypes: .any) { _, at throws(Diagnostic) in
            { ctx in
                ctx.worker.logger.critical("abort called (\(at))")
                abort()
            }
        }
    }
}
