// The messages the parser benchmarks feed to SIPCore, as the bytes a socket would deliver (CRLF).

/// One benchmark input: a name for the report and the datagram's bytes.
struct SampleMessage: Sendable {
    let name: String
    let bytes: [UInt8]

    init(name: String, lines: [String], body: String = "") {
        self.name = name
        self.bytes = Array((lines.map { $0 + "\r\n" }.joined() + "\r\n" + body).utf8)
    }
}

enum SampleMessages {
    /// RFC 3261 §24.2, message F1 (Alice's INVITE to the atlanta.com proxy), header for header.
    /// The RFC prints "(Alice's SDP not shown)" for a 142-byte body; `inviteSDP` is a plain
    /// audio offer of exactly that length, so Content-Length stays true to the bytes.
    static let rfc3261Invite = SampleMessage(
        name: "RFC3261-24.2-INVITE",
        lines: [
            "INVITE sip:bob@biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.com>",
            "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710",
            "CSeq: 314159 INVITE",
            "Contact: <sip:alice@pc33.atlanta.com>",
            "Content-Type: application/sdp",
            "Content-Length: 142",
        ],
        body: inviteSDP
    )

    static let inviteSDP = [
        "v=0",
        "o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com",
        "s=Call",
        "c=IN IP4 192.0.2.1",
        "t=0 0",
        "m=audio 49172 RTP/AVP 0",
        "a=rtpmap:0 PCMU/8000",
    ].map { $0 + "\r\n" }.joined()

    /// A softphone's REGISTER with credentials: 20 header fields, the kind a registrar sees most.
    static let register20 = SampleMessage(
        name: "REGISTER-20-headers",
        lines: [
            "REGISTER sip:registrar.biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7;rport",
            "Max-Forwards: 70",
            "Route: <sip:edge.biloxi.com;lr>",
            "To: Bob <sip:bob@biloxi.com>",
            "From: Bob <sip:bob@biloxi.com>;tag=456248",
            "Call-ID: 843817637684230@998sdasdh09",
            "CSeq: 1826 REGISTER",
            "Contact: <sip:bob@192.0.2.4:5060;transport=udp>;expires=7200;reg-id=1"
                + ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-00a0c91e6bf6>\"",
            "Expires: 7200",
            "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE, SUBSCRIBE",
            "Supported: path, outbound, gruu, replaces, timer",
            "User-Agent: Biloxi-Softphone/4.2 (Linux)",
            "Accept: application/sdp, application/pidf+xml",
            "Accept-Encoding: identity",
            "Accept-Language: en",
            "Allow-Events: presence, message-summary, refer",
            "Date: Sat, 13 Nov 2010 23:29:00 GMT",
            "Organization: Biloxi Communications",
            "Authorization: Digest username=\"bob\", realm=\"biloxi.com\","
                + " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:registrar.biloxi.com\","
                + " response=\"7587245234b3434cc3412213e5f113a5\", algorithm=MD5,"
                + " cnonce=\"0a4f113b\", qop=auth, nc=00000001",
            "Content-Length: 0",
        ]
    )

    static let all = [rfc3261Invite, register20]
}
