// Local To-tags: Kamailio's `<32 hex>.<8 hex>` shape, stable for a retransmission.
import SIPCore
import Testing

@testable import TernRuntime

@Suite("Local To-tags")
struct LocalTagGeneratorTests {
    private func request(branch: String) throws -> SIPMessage {
        let text = [
            "OPTIONS sip:a@example.com SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=\(branch)",
            "From: <sip:b@example.com>;tag=12345",
            "To: <sip:a@example.com>",
            "Call-ID: call-1@192.0.2.1",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            "", "",
        ].joined(separator: "\r\n")
        return try SIPMessage.parse(Array(text.utf8))
    }

    @Test func tagShapeStabilityAndBothForms() throws {
        let generator = LocalTagGenerator(seed: "udp:127.0.0.1:5060")
        let first = try request(branch: "z9hG4bK-1")
        let tag = generator.tag(for: first)
        let parts = tag.split(separator: ".")
        #expect(parts.count == 2)
        #expect(parts.first.map { String($0) } == generator.prefix)
        #expect(parts.first?.count == 32 && parts.last?.count == 8)
        #expect(tag.allSatisfy { $0 == "." || $0.isHexDigit })
        #expect(tag.utf8.count == LocalTagGenerator.tagLength)

        // The bytes handed to the reply builder are the same tag.
        let bytes = generator.withTag(for: first) { Array($0) }
        #expect(String(decoding: bytes, as: UTF8.self) == tag)

        // A retransmission gets the same tag; another transaction another suffix.
        #expect(generator.tag(for: try request(branch: "z9hG4bK-1")) == tag)
        let other = generator.tag(for: try request(branch: "z9hG4bK-2"))
        #expect(other != tag && other.hasPrefix(generator.prefix + "."))
    }
}
