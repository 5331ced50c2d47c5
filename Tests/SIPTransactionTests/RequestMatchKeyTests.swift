import Testing
import SIPCore
@testable import SIPTransaction

func request(_ method: String, branch: String?, cseqMethod: String? = nil, via host: String = "10.0.0.1:5060",
             toTag: String? = nil, uri: String = "sip:bob@example.com", callID: String = "call-1", cseq: Int = 7) -> SIPMessage {
    let branchParam = branch.map { ";branch=\($0)" } ?? ""
    let text = "\(method) \(uri) SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP \(host)\(branchParam)\r\n"
        + "From: <sip:alice@example.com>;tag=ft\r\n"
        + "To: <sip:bob@example.com>\(toTag.map { ";tag=\($0)" } ?? "")\r\n"
        + "Call-ID: \(callID)\r\n"
        + "CSeq: \(cseq) \(cseqMethod ?? method)\r\n"
        + "Content-Length: 0\r\n\r\n"
    return try! SIPMessage.parse(Array(text.utf8))
}

@Suite("request matching (RFC 3261 §17.2.3, RFC 2543 fallback)")
struct RequestMatchKeyTests {
    @Test("RFC 3261: a retransmission matches; another branch, sent-by or method does not")
    func rfc3261() throws {
        let invite = try #require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc")))
        #expect(try #require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc"))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabd"))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc", via: "10.0.0.2:5060"))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("BYE", branch: "z9hG4bKabc"))).isSameRequest(as: invite))
        // sent-by host is compared without case
        #expect(try #require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc", via: "HOST.example:5060")))
            .isSameRequest(as: #require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc", via: "host.example:5060")))))
    }

    @Test("RFC 3261: ACK (non-2xx) and CANCEL match their INVITE by branch")
    func ackAndCancel() throws {
        let invite = try #require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc")))
        let ack = try #require(RequestMatchKey(request("ACK", branch: "z9hG4bKabc", toTag: "xyz")))
        let cancel = try #require(RequestMatchKey(request("CANCEL", branch: "z9hG4bKabc")))
        #expect(ack.isACK(for: invite))
        #expect(!ack.isSameRequest(as: invite))
        #expect(cancel.cancels(invite))
        #expect(!cancel.isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("CANCEL", branch: "z9hG4bKzzz"))).cancels(invite))
        #expect(!cancel.cancels(cancel))
        #expect(invite.hash == ack.hash && invite.hash == cancel.hash)
    }

    @Test("RFC 2543: R-URI, tags, Call-ID, CSeq and top Via decide")
    func rfc2543() throws {
        let invite = try #require(RequestMatchKey(request("INVITE", branch: nil)))
        #expect(invite.branch == nil)
        #expect(try #require(RequestMatchKey(request("INVITE", branch: nil))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("INVITE", branch: nil, uri: "sip:carol@example.com"))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("INVITE", branch: nil, cseq: 8))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("INVITE", branch: nil, callID: "other"))).isSameRequest(as: invite))
        #expect(try !#require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc"))).isSameRequest(as: invite))
        // the ACK carries our reply's To tag: compared by the caller, not here
        #expect(try #require(RequestMatchKey(request("ACK", branch: nil, toTag: "ours"))).isACK(for: invite))
        #expect(try #require(RequestMatchKey(request("CANCEL", branch: nil))).cancels(invite))
        // a branch without the magic cookie is an RFC 2543 branch
        #expect(try #require(RequestMatchKey(request("INVITE", branch: "1234"))).branch == nil)
    }

    @Test("a request without Via or CSeq has no key")
    func incomplete() throws {
        let text = "INVITE sip:b@x SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"
        #expect(RequestMatchKey(try SIPMessage.parse(Array(text.utf8))) == nil)
    }

    @Test("the parts a key keeps read back as written (sent-by host lowercased); Call-ID and CSeq decide sameCallAndSequence")
    func partsAndCallSequence() throws {
        let invite = try #require(RequestMatchKey(request("INVITE", branch: "z9hG4bKabc", via: "Host.Example:5070")))
        #expect(invite.branch == Array("z9hG4bKabc".utf8))
        #expect(invite.sentBy == Array("host.example:5070".utf8))
        #expect(invite.callID == Array("call-1".utf8))
        // A 2xx's ACK: another branch, same Call-ID and CSeq number.
        let ack = try #require(RequestMatchKey(request("ACK", branch: "z9hG4bKother", cseqMethod: "ACK")))
        #expect(ack.sameCallAndSequence(as: invite))
        #expect(!ack.isACK(for: invite))
        #expect(try !#require(RequestMatchKey(request("ACK", branch: "z9hG4bKother", callID: "call-2"))).sameCallAndSequence(as: invite))
        #expect(try !#require(RequestMatchKey(request("ACK", branch: "z9hG4bKother", cseq: 8))).sameCallAndSequence(as: invite))
    }
}
