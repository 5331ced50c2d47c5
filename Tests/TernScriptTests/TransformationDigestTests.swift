import Testing

@testable import TernScript

/// The digests behind `{s.md5}` and `{s.sha*}`, against published test vectors (RFC 1321
/// appendix A.5, FIPS 180 examples) and the values Kamailio 5.6.3 printed.
@Suite struct TransformationDigestTests {
    func hex(_ b: [UInt8]) -> String { HexText.encode(b) }

    @Test func md5Vectors() {
        #expect(hex(ScriptDigest.md5([])) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex(ScriptDigest.md5(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex(ScriptDigest.md5(Array("message digest".utf8))) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(hex(ScriptDigest.md5(Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8)))
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func shaVectors() {
        #expect(hex(ScriptDigest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(ScriptDigest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(ScriptDigest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(ScriptDigest.sha512(Array("abc".utf8)))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(hex(ScriptDigest.sha384(Array("abc".utf8)))
                == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        // One million 'a' crosses many blocks.
        #expect(hex(ScriptDigest.sha256([UInt8](repeating: 0x61, count: 1_000_000))) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func inScripts() {
        // Kamailio 5.6.3 for " Hello World ": md5=1359c3c5fc208a8ca8b1bbace009c466
        // sha256=5cb50d0350d7893703eb7d8ffd5e7ad4b8f0ae97a800ebd3df06c98873990498.
        #expect(expand("$(var(s){s.md5})|$(var(s){s.sha256})", before: "$var(s) = \" Hello World \";")
                == "1359c3c5fc208a8ca8b1bbace009c466|5cb50d0350d7893703eb7d8ffd5e7ad4b8f0ae97a800ebd3df06c98873990498")
        #expect(expand("$(var(s){s.sha384}{s.len})|$(var(s){s.sha512}{s.len})", before: "$var(s) = 1;") == "96|128")
    }
}
