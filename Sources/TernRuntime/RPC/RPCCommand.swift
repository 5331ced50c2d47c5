/// One management command as every transport offers it.
public struct RPCCommand: Sendable {
    public var name: String
    public var help: String
    /// Runs the command; it answers through the responder exactly once, possibly later.
    public var run: @Sendable (RPCRequest, RPCResponder) -> Void

    public init(name: String, help: String, run: @escaping @Sendable (RPCRequest, RPCResponder) -> Void) {
        self.name = name
        self.help = help
        self.run = run
    }

    /// A command that answers at once: its value, or the error it throws (an `RPCError` as
    /// is; any other error as `500` with its description).
    public init(name: String, help: String, _ body: @escaping @Sendable (RPCRequest) throws -> RPCValue) {
        self.init(name: name, help: help) { request, responder in
            do {
                responder.reply(try body(request))
            } catch let error as RPCError {
                responder.fail(error)
            } catch {
                responder.fail(.failed("\(error)"))
            }
        }
    }
}
