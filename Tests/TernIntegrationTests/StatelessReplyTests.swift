import Foundation
import Testing
import TernTestSupport

/// What `sl_send_reply` puts in a reply (RFC 3261 §8.2.6, RFC 3581): Vias with received/rport,
/// From/Call-ID/CSeq copied, a To-tag, Server and Content-Length.
@Suite("Stateless reply content", .sharedTern(config: TestConfigs.stateless))
struct StatelessReplyTests {
    /// Sends an OPTIONS whose top Via has `sentBy` and rport, and returns request and reply.
    private func exchange(sentBy: (UInt16) -> String, toTag: String? = nil)
        throws -> (request: SIPRequestBuilder, reply: SIPReply, clientPort: UInt16) {
        let tern = try SharedTern.require()
        let socket = try UDPEndpoint()
        defer { socket.close() }
        var request = SIPRequestBuilder.options(serverPort: tern.port, clientPort: socket.localPort)
        request.set("Via", "SIP/2.0/UDP \(sentBy(socket.localPort));branch=z9hG4bK1\(uniqueToken("b"));rport")
        request.headers.insert((name: "Via", value: "SIP/2.0/UDP 192.0.2.99:5080;branch=z9hG4bKsecond"), at: 1)
        if let toTag { request.set("To", "<sip:ping@127.0.0.1:\(tern.port)>;tag=\(toTag)") }
        try socket.send(request.bytes(), to: tern.port)
        let reply = try #require(try socket.receiveReply(timeout: .seconds(2)),
                                 "no reply to OPTIONS with rport on 127.0.0.1:\(socket.localPort)")
        return (request, reply, socket.localPort)
    }

    private func header(_ request: SIPRequestBuilder, _ name: String) -> String? {
        request.headers.first { $0.name == name }?.value
    }

    @Test("sent-by differs from the source: received=127.0.0.1 and rport=<source port>")
    func receivedAndRport() throws {
        let (_, reply, clientPort) = try exchange(sentBy: { _ in "192.0.2.7:5060" })
        #expect(reply.statusCode == 200, "\(reply)")
        let vias = reply.values(of: "via").flatMap { $0.splitTopLevelCommas() }
        #expect(vias.count == 2, "both Vias must come back, in order\n\(reply)")
        let top = try #require(vias.first.flatMap(ViaValue.init), "top Via unreadable\n\(reply)")
        #expect(top.host == "192.0.2.7" && top.port == 5060, "sent-by must be kept\n\(reply)")
        #expect(top.parameter("received") == .some("127.0.0.1"), "received=127.0.0.1 expected\n\(reply)")
        #expect(top.parameter("rport") == .some(String(clientPort)), "rport=\(clientPort) expected\n\(reply)")
        #expect(vias.last?.contains("z9hG4bKsecond") == true, "second Via copied unchanged\n\(reply)")
    }

    @Test("sent-by equals the source: rport=<source port> filled in")
    func rportWithMatchingSentBy() throws {
        let (_, reply, clientPort) = try exchange(sentBy: { "127.0.0.1:\($0)" })
        let top = try #require(reply.value(of: "via").flatMap(ViaValue.init), "top Via unreadable\n\(reply)")
        #expect(top.parameter("rport") == .some(String(clientPort)), "rport=\(clientPort) expected\n\(reply)")
        if let received = top.parameter("received") {
            #expect(received == "127.0.0.1", "a received parameter, if added, must be the source address\n\(reply)")
        }
    }

    @Test("From, Call-ID and CSeq copied; To gets a tag; Server and Content-Length: 0 present")
    func copiedHeaders() throws {
        let (request, reply, _) = try exchange(sentBy: { "127.0.0.1:\($0)" })
        #expect(reply.statusCode == 200 && reply.reasonPhrase == "OK", "\(reply)")
        #expect(reply.value(of: "from") == header(request, "From"), "From must be copied\n\(reply)")
        #expect(reply.value(of: "call-id") == header(request, "Call-ID"), "Call-ID must be copied\n\(reply)")
        #expect(reply.value(of: "cseq") == header(request, "CSeq"), "CSeq must be copied\n\(reply)")
        let to = try #require(reply.value(of: "to"), "no To\n\(reply)")
        let sentTo = try #require(header(request, "To"))
        #expect(to.hasPrefix(sentTo), "To must be the request's To plus a tag\n\(reply)")
        #expect(to.range(of: ";tag=") != nil && to.count > sentTo.count + 5, "To-tag missing\n\(reply)")
        #expect(reply.values(of: "content-length") == ["0"], "exactly one Content-Length: 0\n\(reply)")
        #expect(reply.value(of: "server").map { !$0.isEmpty } == true, "Server header missing\n\(reply)")
        #expect(reply.body.isEmpty)
    }

    @Test("a To that already has a tag is returned unchanged")
    func existingToTagKept() throws {
        let (request, reply, _) = try exchange(sentBy: { "127.0.0.1:\($0)" }, toTag: "already-here")
        #expect(reply.value(of: "to") == header(request, "To"), "\(reply)")
    }
}

extension String {
    /// Splits a header value on commas that are not inside quotes or brackets.
    func splitTopLevelCommas() -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quoted = false
        for ch in self {
            if ch == "\"" { quoted.toggle() }
            if !quoted {
                if ch == "<" || ch == "[" { depth += 1 }
                if ch == ">" || ch == "]" { depth -= 1 }
                if ch == "," && depth == 0 {
                    parts.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                    continue
                }
            }
            current.append(ch)
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }
}
