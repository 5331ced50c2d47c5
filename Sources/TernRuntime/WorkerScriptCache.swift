import TernScript

/// One worker's reference to the script serving now. Taking `RuntimeServices.script` per
/// message would retain the script, an object every worker shares, so its reference count
/// would move between cores on every message. A worker keeps its own strong reference and
/// reloads it only when the install count moved, which is a read of a line that stays shared.
struct WorkerScriptCache {
    private var held: ActiveScript?
    private var script: Unmanaged<CompiledScript>?
    private var seenInstalls = -1

    /// The script to run this message with, nil before any script is installed. Unretained:
    /// `held` keeps it alive until the next call, so callers use it through
    /// `_withUnsafeGuaranteedRef` and the shared object's reference count is never touched.
    @inline(__always)
    mutating func current(_ services: RuntimeServices) -> Unmanaged<CompiledScript>? {
        let installs = services.installCount
        if installs != seenInstalls {
            // Count first, then the script: an install in between is seen next time.
            seenInstalls = installs
            held = services.activeScript
            script = held.map { Unmanaged.passUnretained($0.script) }
        }
        return script
    }
}
