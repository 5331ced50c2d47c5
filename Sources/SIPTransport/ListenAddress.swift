import SIPCore

/// A socket to listen on, as resolved from the config's `listen=` lines.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var proto: TransportProtocol
    public var host: String
    public var port: Int

    public init(proto: TransportProtocol, host: String, port: Int) {
        self.proto = proto
        self.host = host
        self.port = port
    }

    public var isIPv6: Bool { host.utf8.contains(UInt8(ascii: ":")) }

    public var description: String {
        "\(proto.lowercaseName):\(isIPv6 ? "[\(host)]" : host):\(port)"
    }
}
