import TernScript

/// One worker's view of the script serving now. Taking `RuntimeServices.script` per message
/// would retain the script, an object every worker shares, so its reference count would move
/// between cores on every message. Installed scripts are never freed, so the active script's
/// address identifies it: the worker re-derives its pointer only when that address changed.
struct WorkerScriptCache {
    private var seen: UnsafeMutableRawPointer?
    private var script: Unmanaged<CompiledScript>?

    /// The script to run this message with, nil before any script is installed. Unretained
    /// (`RuntimeServices` keeps every installed script alive), so callers use it through
    /// `_withUnsafeGuaranteedRef` and the shared object's reference count is never touched.
    @inline(__always)
    mutating func current(_ services: RuntimeServices) -> Unmanaged<CompiledScript>? {
        let address = services.activeScriptAddress
        if address != seen {
            seen = address
            script = address.map {
                Unmanaged<ActiveScript>.fromOpaque($0)._withUnsafeGuaranteedRef { Unmanaged.passUnretained($0.script) }
            }
        }
        return script
    }
}
