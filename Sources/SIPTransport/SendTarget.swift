import SIPCore

/// Where one message goes: a transport and a numeric peer address (names are resolved
/// before a target is made, by the runtime's RFC 3263 resolver).
public struct SendTarget: Sendable, Hashable, CustomStringConvertible {
    public var proto: TransportProtocol
    public var address: SocketAddressText

    public init(proto: TransportProtocol, address: SocketAddressText) {
        self.proto = proto
        self.address = address
    }

    /// `udp:1.2.3.4:5060`, `tcp:[2001:db8::1]:5060`.
    public var description: String { proto.lowercaseName + ":" + address.description }
}

/// How a stream send may behave (`set_forward_no_connect()`, `set_forward_close()` and the
/// reply variants); datagrams ignore them.
public struct SendBehaviour: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Only an existing connection may carry the message: never open one.
    public static let noConnect = SendBehaviour(rawValue: 1)
    /// Close the connection once the message has been written.
    public static let closeAfter = SendBehaviour(rawValue: 2)
}
