/// A listener that could not be set up; the message names the socket and the system error.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
