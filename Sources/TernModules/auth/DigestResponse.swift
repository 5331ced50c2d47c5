/// The expected `response` of digest credentials (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1), from
/// HA1 and the fields the client sent. Pure: the same inputs give the same bytes.
struct DigestResponseInput {
    var algorithm: DigestAlgorithm
    /// H(user:realm:password), lowercase hex.
    var ha1: [UInt8]
    var nonce: [UInt8]
    var method: [UInt8]
    var uri: [UInt8]
    /// nil, "auth" or "auth-int".
    var qop: [UInt8]?
    var nc: [UInt8]
    var cnonce: [UInt8]
    /// The body, for qop=auth-int.
    var body: ArraySlice<UInt8> = []

    func expectedResponse() -> [UInt8] {
        var ha1 = lowercased(self.ha1)
        if algorithm.isSession {
            ha1 = algorithm.hex(ha1, nonce, cnonce)
        }
        let ha2: [UInt8]
        if let qop, qop == Array("auth-int".utf8) {
            ha2 = algorithm.hex(method, uri, algorithm.hex(Array(body)))
        } else {
            ha2 = algorithm.hex(method, uri)
        }
        if let qop {
            return algorithm.hex(ha1, nonce, nc, cnonce, qop, ha2)
        }
        return algorithm.hex(ha1, nonce, ha2)
    }

    /// Case-insensitive, length-checked comparison that does not stop at the first difference.
    static func matches(_ expected: [UInt8], _ given: ArraySlice<UInt8>) -> Bool {
        guard expected.count == given.count else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(expected, given) { diff |= a ^ asciiLower(b) }
        return diff == 0
    }

    private func lowercased(_ bytes: [UInt8]) -> [UInt8] { bytes.map(asciiLower) }
}
