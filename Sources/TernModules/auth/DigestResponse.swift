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
        let ha1 = self.ha1.map(asciiLower)
        return ha1.withUnsafeBytes { ha1 in
            nonce.withUnsafeBytes { nonce in
                method.withUnsafeBytes { method in
                    uri.withUnsafeBytes { uri in
                        nc.withUnsafeBytes { nc in
                            cnonce.withUnsafeBytes { cnonce in
                                body.withUnsafeBytes { body in
                                    let qopKind = qop.map { $0 == Array("auth-int".utf8) ? DigestQOP.authInt : .auth }
                                    let fields = DigestResponseFields(
                                        nonce: nonce, method: method, uri: uri, qop: qopKind, nc: nc, cnonce: cnonce, body: body)
                                    return fields.expectedResponse(algorithm, ha1: ha1).bytes
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Case-insensitive, length-checked comparison that does not stop at the first difference.
    static func matches(_ expected: [UInt8], _ given: ArraySlice<UInt8>) -> Bool {
        expected.withUnsafeBytes { matches($0, given) }
    }

    static func matches(_ expected: HexDigest, _ given: ArraySlice<UInt8>) -> Bool {
        expected.withBytes { matches($0, given) }
    }

    private static func matches(_ expected: UnsafeRawBufferPointer, _ given: ArraySlice<UInt8>) -> Bool {
        guard expected.count == given.count else { return false }
        var diff: UInt8 = 0
        var i = 0
        for b in given {
            diff |= expected[i] ^ asciiLower(b)
            i &+= 1
        }
        return diff == 0
    }
}

/// The request's side of a response computation, read in place (message bytes, the
/// password): nothing is copied into arrays on the way.
struct DigestResponseFields {
    var nonce: UnsafeRawBufferPointer
    var method: UnsafeRawBufferPointer
    var uri: UnsafeRawBufferPointer
    var qop: DigestQOP?
    var nc: UnsafeRawBufferPointer
    var cnonce: UnsafeRawBufferPointer
    /// The body, for qop=auth-int.
    var body: UnsafeRawBufferPointer

    /// `ha1` is lowercase hex.
    func expectedResponse(_ algorithm: DigestAlgorithm, ha1 given: UnsafeRawBufferPointer) -> HexDigest {
        var sessionKey = HexDigest()
        if algorithm.isSession {
            var h = JoinedDigest(algorithm)
            h.add(given)
            h.add(nonce)
            h.add(cnonce)
            sessionKey = h.finish()
        }
        var ha2 = JoinedDigest(algorithm)
        ha2.add(method)
        ha2.add(uri)
        if qop == .authInt {
            var bodyHash = JoinedDigest(algorithm)
            bodyHash.add(body)
            ha2.add(bodyHash.finish())
        }
        let ha2Hex = ha2.finish()
        var response = JoinedDigest(algorithm)
        if algorithm.isSession { response.add(sessionKey) } else { response.add(given) }
        response.add(nonce)
        if let qop {
            response.add(nc)
            response.add(cnonce)
            let text: StaticString = qop == .authInt ? "auth-int" : "auth"
            response.add(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        response.add(ha2Hex)
        return response.finish()
    }
}
