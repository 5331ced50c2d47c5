extension ListenSpec {
    /// Parses `[proto:]addr[:port]` as a `listen=` value or `-l` argument is written.
    /// Returns the reason when the text is not a usable listen address.
    public static func parse(_ text: String) -> Result<ListenSpec, ListenSpecError> {
        do {
            return .success(try ScriptCompiler.parseListen(text))
        } catch {
            return .failure(ListenSpecError(message: error.message))
        }
    }
}

public struct ListenSpecError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
