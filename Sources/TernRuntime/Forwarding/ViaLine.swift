import SIPCore
import SIPTransport

/// The Via header line Tern puts on top of a request it sends (RFC 3261 §16.6 step 8).
public enum ViaLine {
    /// The full line, `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK…[;rport]\r\n`.
    public static func make(proto: TransportProtocol, sentBy: ListenAddress, branch: String, rport: Bool) -> [UInt8] {
        make(proto: proto, sentBy: sentBy, branch: branch, rport: rport, connectionID: nil)
    }

    /// With `connectionID`, the `;i=` parameter naming the stream connection the request
    /// arrived on, so a stateless reply can find that connection again (as Kamailio does).
    public static func make(proto: TransportProtocol, sentBy: ListenAddress, branch: String, rport: Bool,
                            connectionID: Int?) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(64 + branch.utf8.count)
        line += "Via: SIP/2.0/".utf8
        line += proto.uppercaseName.utf8
        line.append(0x20)
        // A colon in the host is IPv6 (as ListenAddress.isIPv6 says), looked for in the bytes:
        // String.contains costs thousands of instructions on every relayed request.
        if sentBy.host.utf8.contains(0x3A) {
            line.append(0x5B)
            line += sentBy.host.utf8
            line.append(0x5D)
        } else {
            line += sentBy.host.utf8
        }
        line.append(0x3A)
        appendDecimal(sentBy.port, to: &line)
        line += ";branch=".utf8
        line += branch.utf8
        if let connectionID {
            line += ";i=".utf8
            appendHex(connectionID, to: &line)
        }
        if rport { line += ";rport".utf8 }
        line += [13, 10]
        return line
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }

    static func appendHex(_ value: Int, to out: inout [UInt8]) {
        if value >= 16 { appendHex(value / 16, to: &out) }
        out.append(hexDigits[value & 15])
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
