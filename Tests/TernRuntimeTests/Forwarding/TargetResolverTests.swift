// RFC 3263 target selection: numeric hosts as written, `transport=`, sips → TLS, names with a
// port through A records, names without one through SRV first.
import SIPCore
import SIPTransport
import Testing

@testable import TernRuntime

/// Fixed answers instead of the system's resolver.
struct FixedNameLookup: NameLookup {
    var hosts: [String: [String]] = [:]
    var srv: [String: [SRVRecord]] = [:]

    func addresses(of host: String, includeIPv6: Bool) -> [String] {
        (hosts[host] ?? []).filter { includeIPv6 || !$0.contains(":") }
    }

    func services(_ name: String) -> [SRVRecord] { srv[name] ?? [] }
}

@Suite struct TargetResolverTests {
    let resolver = TargetResolver(lookup: FixedNameLookup(
        hosts: ["proxy.example.com": ["192.0.2.7"], "a.example.com": ["192.0.2.1"], "b.example.com": ["192.0.2.2"],
                "dual.example.com": ["192.0.2.9", "2001:db8::9"]],
        srv: ["_sip._udp.example.com": [
                SRVRecord(priority: 20, weight: 0, port: 5070, target: "b.example.com"),
                SRVRecord(priority: 10, weight: 5, port: 5080, target: "a.example.com"),
              ],
              "_sip._tcp.example.com": [SRVRecord(priority: 1, weight: 1, port: 5090, target: "b.example.com")],
              "_sips._tcp.example.com": [SRVRecord(priority: 1, weight: 1, port: 5091, target: "a.example.com")]]))

    private func targets(_ uri: String) -> [String] { resolver.resolve(uri: uri).map(\.description) }

    @Test(arguments: [
        ("sip:bob@192.0.2.1", "udp:192.0.2.1:5060"),
        ("sip:bob@192.0.2.1:5080", "udp:192.0.2.1:5080"),
        ("sip:192.0.2.1;transport=tcp", "tcp:192.0.2.1:5060"),
        ("sip:192.0.2.1:5070;transport=TCP;lr", "tcp:192.0.2.1:5070"),
        ("sip:[2001:db8::1]", "udp:[2001:db8::1]:5060"),
        ("sip:bob@[2001:db8::1]:5071;transport=tcp", "tcp:[2001:db8::1]:5071"),
        ("sips:bob@192.0.2.1", "tls:192.0.2.1:5061"),
        ("sips:bob@192.0.2.1;transport=tcp", "tls:192.0.2.1:5061"),
        ("sips:bob@192.0.2.1:5999", "tls:192.0.2.1:5999"),
    ])
    func numericHosts(uri: String, expected: String) {
        #expect(targets(uri) == [expected])
    }

    @Test func nameWithPortUsesTheAddressRecordsNotSRV() {
        #expect(targets("sip:proxy.example.com:5077") == ["udp:192.0.2.7:5077"])
        #expect(targets("sip:example.com:5077") == [])
    }

    @Test func nameWithoutPortUsesSRVInPriorityOrder() {
        #expect(targets("sip:alice@example.com") == ["udp:192.0.2.1:5080", "udp:192.0.2.2:5070"])
        #expect(targets("sip:alice@example.com;transport=tcp") == ["tcp:192.0.2.2:5090"])
        #expect(targets("sips:alice@example.com") == ["tls:192.0.2.1:5091"])
    }

    @Test func nameWithoutSRVFallsBackToTheDefaultPort() {
        #expect(targets("sip:proxy.example.com") == ["udp:192.0.2.7:5060"])
        #expect(targets("sips:proxy.example.com") == ["tls:192.0.2.7:5061"])
    }

    @Test func ipv6AddressesOnlyWhenAsked() {
        #expect(targets("sip:dual.example.com:5060") == ["udp:192.0.2.9:5060"])
        let both = TargetResolver(tryIPv6: true, lookup: FixedNameLookup(hosts: ["dual.example.com": ["192.0.2.9", "2001:db8::9"]]))
        #expect(both.resolve(uri: "sip:dual.example.com:5060").map(\.description) == ["udp:192.0.2.9:5060", "udp:[2001:db8::9]:5060"])
    }

    @Test(arguments: ["sip:nowhere.example.com", "tel:+15551234", "not a uri", "sip:bob@192.0.2.1;transport=carrier-pigeon"])
    func unresolvableGivesNothing(uri: String) {
        #expect(targets(uri).isEmpty)
    }

    @Test func systemLookupReadsTheHostsFile() {
        let system = TargetResolver()
        #expect(system.resolve(uri: "sip:localhost:5099").map(\.description) == ["udp:127.0.0.1:5099"])
        #expect(system.resolve(host: "localhost", port: 5098, proto: .tcp).map(\.description) == ["tcp:127.0.0.1:5098"])
    }

    @Test func srvAnswersAreReadWithCompressedNames() {
        // An answer for _sip._udp.example.com with one SRV record: 10 60 5060 sip1.example.com,
        // the target's "example.com" compressed to a pointer into the question.
        var packet: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
        let question = 12
        packet += [4] + Array("_sip".utf8) + [4] + Array("_udp".utf8) + [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
        packet += [0, 33, 0, 1]
        let exampleOffset = question + 10
        let target: [UInt8] = [4] + Array("sip1".utf8) + [0xC0, UInt8(exampleOffset)]
        packet += [0xC0, UInt8(question), 0, 33, 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(6 + target.count)]
        packet += [0, 10, 0, 60, 0x13, 0xC4] + target
        #expect(DNSAnswer.srvRecords(packet) == [SRVRecord(priority: 10, weight: 60, port: 5060, target: "sip1.example.com")])
        // Truncated packets give what could be read, never a crash.
        for cut in 0 ..< packet.count {
            _ = DNSAnswer.srvRecords(Array(packet[0 ..< cut]))
        }
    }
}
