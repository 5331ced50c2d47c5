import TernScript

/// The compiled script currently serving new messages. A reload swaps it atomically; a
/// message already in a route keeps the generation it started with.
public final class ActiveScript: @unchecked Sendable {
    public let script: CompiledScript
    public let generation: Int

    public init(script: CompiledScript, generation: Int) {
        self.script = script
        self.generation = generation
    }
}
