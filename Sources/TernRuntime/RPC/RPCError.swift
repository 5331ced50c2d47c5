/// A command's failure: a JSON-RPC error code and text. The SER text FIFO prints it as the
/// status line `<code> <message>`, kamcmd-style output as `error: <code> - <message>`.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code) \(message)" }

    /// Missing or malformed parameters (`400` on the FIFO, as SER's commands answer).
    public static func badParameters(_ message: String) -> RPCError { RPCError(code: 400, message: message) }
    /// The command ran and failed.
    public static func failed(_ message: String) -> RPCError { RPCError(code: 500, message: message) }
    /// The JSON-RPC answer for an unknown method (Kamailio's jsonrpcs text).
    public static let methodNotFound = RPCError(code: 500, message: "Method Not Found")
}
