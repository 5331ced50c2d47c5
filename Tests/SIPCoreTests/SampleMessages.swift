// Messages shared by the SIPCore tests: RFC 3261 §24.2's INVITE and a 20-header REGISTER.

import SIPCore

/// Bytes of `text` with every "\n" turned into CR LF (multi-line literals use LF).
func crlf(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    for b in text.utf8 {
        if b == 0x0A { out.append(0x0D) }
        out.append(b)
    }
    return out
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

enum Samples {
    /// RFC 3261 §24.2, F1, with its SDP body (Content-Length counted with CR LF line ends: 146).
    static let invite = crlf("""
        INVITE sip:bob@biloxi.com SIP/2.0
        Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8
        Max-Forwards: 70
        To: Bob <sip:bob@biloxi.com>
        From: Alice <sip:alice@atlanta.com>;tag=1928301774
        Call-ID: a84b4c76e66710
        CSeq: 314159 INVITE
        Contact: <sip:alice@pc33.atlanta.com>
        Content-Type: application/sdp
        Content-Length: 146

        v=0
        o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com
        s=-
        c=IN IP4 pc33.atlanta.com
        t=0 0
        m=audio 49172 RTP/AVP 0
        a=rtpmap:0 PCMU/8000

        """)

    /// A REGISTER with 20 header lines, the kind a registrar sees most.
    static let register = crlf("""
        REGISTER sip:registrar.biloxi.com SIP/2.0
        Via: SIP/2.0/UDP bobspc.biloxi.com:5060;rport;branch=z9hG4bKnashds7
        Max-Forwards: 70
        To: Bob <sip:bob@biloxi.com>
        From: Bob <sip:bob@biloxi.com>;tag=456248
        Call-ID: 843817637684230@998sdasdh09
        CSeq: 1826 REGISTER
        Contact: <sip:bob@192.0.2.4;transport=udp>;expires=7200;q=0.8
        Expires: 7200
        Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, SUBSCRIBE, NOTIFY, REFER, MESSAGE, UPDATE
        Supported: path, outbound, gruu
        User-Agent: Tern test phone 1.0
        Accept: application/sdp
        Accept-Language: en
        Accept-Encoding: identity
        Allow-Events: presence, dialog
        Date: Sat, 13 Nov 2010 23:29:00 GMT
        Authorization: Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:registrar.biloxi.com", response="245f23415f11432b3434341c022", algorithm=MD5, cnonce="0a4f113b", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001
        Organization: Biloxi
        P-Preferred-Identity: <sip:bob@biloxi.com>
        Content-Length: 0


        """)
}
