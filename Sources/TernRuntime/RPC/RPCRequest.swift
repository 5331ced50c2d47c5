/// Which management transport a request came over. Commands rarely care; those that wait
/// for the network (t_uac_wait) refuse transports that cannot wait, and the legacy SER
/// commands read their parameters line by line.
public enum RPCTransport: Sendable, Equatable {
    /// `:cmd:reply` + lines on a FIFO (SER 0.8, mi_fifo): every parameter is one line.
    case serFIFO
    /// JSON-RPC 2.0 on a FIFO, the control socket, HTTP, or called in process.
    case jsonRPC
    /// Called in process (tests, other modules).
    case local
}

/// One command invocation: its name and positional parameters (FIFO lines as `.string`,
/// JSON-RPC params as sent; named JSON params are taken positionally, as Kamailio does).
public struct RPCRequest: Sendable {
    public var method: String
    public var parameters: [RPCValue]
    public var transport: RPCTransport

    public init(method: String, parameters: [RPCValue] = [], transport: RPCTransport = .local) {
        self.method = method
        self.parameters = parameters
        self.transport = transport
    }

    public var count: Int { parameters.count }

    /// Parameter `index` as text; a missing one fails with `400 <missing>`.
    public func string(_ index: Int, missing: @autoclosure () -> String) throws(RPCError) -> String {
        guard index < parameters.count, let text = parameters[index].textValue else {
            throw .badParameters(missing())
        }
        return text
    }

    /// Parameter `index` as text, nil when absent.
    public func optionalString(_ index: Int) -> String? {
        index < parameters.count ? parameters[index].textValue : nil
    }

    /// Parameter `index` as an integer; missing or not a number fails with `400 <invalid>`.
    public func int(_ index: Int, invalid: @autoclosure () -> String) throws(RPCError) -> Int {
        guard index < parameters.count, let number = parameters[index].intValue else {
            throw .badParameters(invalid())
        }
        return number
    }

    /// Every parameter as text (for `print`, `core.echo`-style commands).
    public var strings: [String] { parameters.compactMap(\.textValue) }
}
