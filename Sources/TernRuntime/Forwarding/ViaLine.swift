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
        // Written straight into the array's storage from the strings' UTF-8: this runs for
        // every request relayed, and appending String views byte-wise cost thousands of
        // instructions.
        var host = sentBy.host
        var branch = branch
        var protoName = proto.uppercaseName
        return host.withUTF8 { hostBytes in
            branch.withUTF8 { branchBytes in
                protoName.withUTF8 { protoBytes in
                    // A colon in the host is IPv6 (as ListenAddress.isIPv6 says).
                    let ipv6 = hostBytes.contains(0x3A)
                    let capacity = 13 + protoBytes.count + 1 + hostBytes.count + 2 + 1 + 20 + 8 + branchBytes.count
                        + 3 + 16 + 6 + 2
                    return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
                        var n = 0
                        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                            for byte in bytes {
                                out[n] = byte
                                n += 1
                            }
                        }
                        func put(_ text: StaticString) {
                            put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
                        }
                        func put(_ byte: UInt8) {
                            out[n] = byte
                            n += 1
                        }
                        func putNumber(_ value: Int, radix: Int) {
                            let digits: StaticString = "0123456789abcdef"
                            var divisor = 1
                            while value / divisor >= radix { divisor *= radix }
                            while divisor > 0 {
                                put(digits.utf8Start[value / divisor % radix])
                                divisor /= radix
                            }
                        }
                        put("Via: SIP/2.0/")
                        put(protoBytes)
                        put(0x20)
                        if ipv6 { put(0x5B) }
                        put(hostBytes)
                        if ipv6 { put(0x5D) }
                        put(0x3A)
                        putNumber(max(0, sentBy.port), radix: 10)
                        put(";branch=")
                        put(branchBytes)
                        if let connectionID {
                            put(";i=")
                            putNumber(max(0, connectionID), radix: 16)
                        }
                        if rport { put(";rport") }
                        put(13)
                        put(10)
                        count = n
                    }
                }
            }
        }
    }
}
