import TernTestSupport

/// What a server that answers 200 to every request that parses must do with each torture
/// message. The manifest's class gives the rule; this table writes it down per file, with the
/// reason, so a new vector cannot slip through without a decision.
///
/// - valid / tolerate requests: answered, never with 400.
/// - responses (unreason, noreason, scalarlg, bigcode, bcast): never answered — a stateless
///   server has nowhere to send a reply to a reply.
/// - invalid / semantic-reject requests: 400 (505 for a bad version) when Via, From, To,
///   Call-ID and CSeq are all there to build it from; "or dropped" only when one of those is
///   itself the broken or missing part.
/// - semantic requests: parsing must not break; the script decides, so the codes a sane
///   stateless server may send are listed (200 from this config, or the code the RFC names).
enum ExpectedOutcome: CustomStringConvertible {
    /// Answered with a final reply other than 400.
    case accepted
    /// Answered with one of these codes.
    case answered(oneOf: Set<Int>)
    /// Answered with one of these codes, or not answered at all.
    case answeredOrDropped(oneOf: Set<Int>)
    /// No reply may come back.
    case neverAnswered

    var mustAnswer: Bool {
        switch self {
        case .accepted, .answered: return true
        case .answeredOrDropped, .neverAnswered: return false
        }
    }

    func allows(_ code: Int) -> Bool {
        switch self {
        case .accepted: return code != 400 && code >= 200
        case .answered(let codes), .answeredOrDropped(let codes): return codes.contains(code)
        case .neverAnswered: return false
        }
    }

    var description: String {
        switch self {
        case .accepted: return "answered, not 400"
        case .answered(let codes): return "answered with one of \(codes.sorted())"
        case .answeredOrDropped(let codes): return "answered with one of \(codes.sorted()) or dropped"
        case .neverAnswered: return "never answered"
        }
    }
}

enum ConformanceExpectations {
    /// file -> (outcome over UDP, why).
    static let table: [String: (outcome: ExpectedOutcome, reason: String)] = [
        // RFC 4475 3.1.1 valid messages
        "wsinv.dat": (.accepted, "folding, LWS, compact forms: all legal"),
        "intmeth.dat": (.accepted, "unknown method of token chars; this config answers every method"),
        "esc01.dat": (.accepted, "%-escapes in URIs are legal"),
        "escnull.dat": (.accepted, "%00 in a URI user part is legal"),
        "esc02.dat": (.accepted, "% in a method or header name is just a character"),
        "lwsdisp.dat": (.accepted, "no LWS before < is legal"),
        "longreq.dat": (.accepted, "long values must not hit fixed buffers"),
        "dblreq.dat": (.accepted, "first request counts; trailing octets in a datagram are ignored"),
        "semiuri.dat": (.accepted, "; in userinfo belongs to the user"),
        "transports.dat": (.accepted, "unknown Via transports are legal"),
        "mpart01.dat": (.accepted, "binary multipart body is opaque"),
        "unreason.dat": (.neverAnswered, "a response"),
        "noreason.dat": (.neverAnswered, "a response"),
        // RFC 4475 3.1.2 invalid messages
        "badinv01.dat": (.answeredOrDropped(oneOf: [400]), "the Via itself is mangled (;;,;,,), so a reply may not be routable"),
        "clerr.dat": (.answered(oneOf: [400]), "Content-Length larger than the datagram"),
        "ncl.dat": (.answered(oneOf: [400]), "negative Content-Length"),
        "scalar02.dat": (.answered(oneOf: [400]), "CSeq number above 2^32-1"),
        "scalarlg.dat": (.neverAnswered, "a response"),
        "quotbal.dat": (.answered(oneOf: [400]), "unterminated quoted display name"),
        "ltgtruri.dat": (.answered(oneOf: [400]), "<> around the Request-URI"),
        "lwsruri.dat": (.answered(oneOf: [400]), "LWS inside the Request-URI"),
        "lwsstart.dat": (.answered(oneOf: [400]), "several SP between request-line elements"),
        "trws.dat": (.answeredOrDropped(oneOf: [400, 200]), "trailing SP on the request line: RFC allows a liberal parser to accept"),
        "escruri.dat": (.answeredOrDropped(oneOf: [400, 200]), "?headers in the R-URI: reject, or ignore them (RFC allows both)"),
        "baddate.dat": (.answeredOrDropped(oneOf: [400, 200]), "bad Date zone: reject, or ignore the Date (RFC allows both)"),
        "regbadct.dat": (.answered(oneOf: [400]), "Contact URI with ?headers not in <>"),
        "badaspec.dat": (.answeredOrDropped(oneOf: [400, 200]), "spaces in addr-spec: RFC allows a liberal parser to accept"),
        "baddn.dat": (.answered(oneOf: [400]), "unquoted display name with ','; also no end of headers"),
        "badvers.dat": (.answered(oneOf: [505]), "SIP/7.0"),
        "mismatch01.dat": (.answered(oneOf: [400]), "CSeq method differs from the request method"),
        "mismatch02.dat": (.answered(oneOf: [400]), "CSeq method differs from the request method"),
        "bigcode.dat": (.neverAnswered, "a response"),
        // RFC 4475 3.2-3.4 semantic tests
        "badbranch.dat": (.answered(oneOf: [200, 400]), "bare z9hG4bK branch: 400, or RFC 2543 matching and the script's 200"),
        "insuf.dat": (.answeredOrDropped(oneOf: [400]), "no Call-ID/From/To: a reply cannot be built from it"),
        "unkscm.dat": (.answered(oneOf: [200, 400, 416]), "unknown R-URI scheme: 416 by the RFC; the script's 200 or a 400 is sane"),
        "novelsc.dat": (.answered(oneOf: [200, 400, 416]), "atypical R-URI scheme: as unkscm"),
        "unksm2.dat": (.answered(oneOf: [200, 400]), "unknown schemes in To/From: parses; a registrar would 400"),
        "bext01.dat": (.answered(oneOf: [200, 420]), "Require/Proxy-Require: 420 from a UAS, the script's 200 here"),
        "invut.dat": (.answered(oneOf: [200, 415]), "unknown Content-Type: 415 from a UAS, the script's 200 here"),
        "regaut01.dat": (.answered(oneOf: [200, 401]), "unknown auth scheme: must not crash; the script decides"),
        "multi01.dat": (.answered(oneOf: [400]), "duplicate single-value headers"),
        "mcl01.dat": (.answered(oneOf: [400]), "two Content-Length values"),
        "bcast.dat": (.neverAnswered, "a response (with a broadcast Via): nothing may be sent"),
        "zeromf.dat": (.answered(oneOf: [200, 483]), "Max-Forwards 0 on OPTIONS: a UAS may answer it"),
        "cparam01.dat": (.accepted, "Contact header parameter: legal"),
        "cparam02.dat": (.accepted, "Contact URI parameter: legal"),
        "regescrt.dat": (.accepted, "escaped header in a Contact URI: legal"),
        "sdp01.dat": (.answered(oneOf: [200, 406]), "unacceptable Accept: 406 from a UAS, the script's 200 here"),
        "inv2543.dat": (.accepted, "RFC 2543 syntax must still be served"),
        // RFC 5118 (IPv6)
        "ipv6-good.dat": (.accepted, "bracketed IPv6 R-URI"),
        "ipv6-bad.dat": (.answered(oneOf: [400]), "IPv6 R-URI without brackets"),
        "port-ambiguous.dat": (.accepted, "[…:5070] is an address without port"),
        "port-unambiguous.dat": (.accepted, "[…]:5070 is address and port"),
        "via-received-param-with-delim.dat": (.accepted, "received=[IPv6]"),
        "via-received-param-no-delim.dat": (.accepted, "received=IPv6 without brackets"),
        "ipv6-in-sdp.dat": (.accepted, "IPv6 in the body is opaque to the core"),
        "mult-ip-in-header.dat": (.accepted, "Via list mixing IPv4 and IPv6"),
        "mult-ip-in-sdp.dat": (.accepted, "body is opaque"),
        "ipv4-mapped-ipv6.dat": (.accepted, "::ffff:a.b.c.d addresses"),
        "ipv6-bug-abnf-3-colons.dat": (.accepted, "RFC 5118 asks to tolerate ':::' (class tolerate)"),
        "ipv6-correct-abnf-2-colons.dat": (.accepted, "valid"),
    ]

    static func outcome(for vector: ConformanceVector) -> (outcome: ExpectedOutcome, reason: String)? {
        table[vector.file]
    }

    /// The requests to repeat over TCP: valid ones whose Content-Length frames the whole rest
    /// of the file, so the stream boundary is the same as the datagram's.
    static func isTCPCandidate(_ vector: ConformanceVector) -> Bool {
        guard ["valid", "tolerate"].contains(vector.classification), !vector.isResponse else { return false }
        let message = vector.message
        return message.hasHeaderTerminator && message.contentLength == message.body.count
    }
}
