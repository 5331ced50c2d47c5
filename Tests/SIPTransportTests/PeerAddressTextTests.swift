// The text of a received IPv4 peer is written without inet_ntop; it must read exactly as
// inet_ntop writes it, for every octet width and the extremes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import Testing

@testable import SIPTransport

@Suite struct PeerAddressTextTests {
    private func libcText(_ address: UInt32) -> String {
        var addr = in_addr(s_addr: address.bigEndian)
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }

    @Test func dottedQuadReadsAsInetNtop() {
        var addresses: [UInt32] = [0, 0xffff_ffff, 0x7f00_0001, 0x0a00_0001, 0x640a_0100, 0x0909_6363, 0xc0a8_01fe]
        // Every octet value in every position, mixed.
        for v in 0 ..< 256 {
            let o = UInt32(v)
            addresses.append(o << 24 | (255 - o) << 16 | (o / 3) << 8 | (o * 7 & 0xff))
        }
        for address in addresses {
            #expect(POSIXAddress.dottedQuad(address) == libcText(address), "\(address)")
        }
    }

    @Test func receivedIPv4PeerKeepsItsPort() {
        var storage = sockaddr_storage()
        withUnsafeMutablePointer(to: &storage) { raw in
            raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                sin.pointee.sin_family = sa_family_t(AF_INET)
                sin.pointee.sin_port = in_port_t(5060).bigEndian
                sin.pointee.sin_addr.s_addr = UInt32(0xc0a8_0a14).bigEndian
            }
        }
        let text = POSIXAddress.text(of: &storage)
        #expect(text.ip == "192.168.10.20")
        #expect(text.port == 5060)
        #expect(!text.isIPv6)
    }
}
