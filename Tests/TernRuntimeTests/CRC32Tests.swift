import Testing
@testable import TernRuntime

@Suite struct CRC32Tests {
    @Test func knownCheckValue() {
        // The standard check value of CRC-32/ISO-HDLC.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func emptyInputIsZero() {
        #expect(CRC32.checksum([]) == 0)
    }
}
