// Bad input must get an answer, never a crash: truncations, NUL bytes, random bytes, and a
// seeded mutation fuzz loop over real messages that runs every parser and builder.

import Foundation
import SIPCore
import Testing

/// SplitMix64: a small seeded generator so every run mutates the same way.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs everything SIPCore offers on `bytes`; returns whether parse() accepted them.
@discardableResult
func exerciseEverything(_ bytes: [UInt8]) -> Bool {
    let source = SocketAddressText(ip: "192.0.2.9", port: 5070)
    _ = StreamFrameScanner.scan(bytes, acceptNoContentLength: false, limits: SIPParseLimits())
    _ = StreamFrameScanner.scan(bytes, acceptNoContentLength: true, limits: SIPParseLimits(maxMessageSize: 300, maxHeaderCount: 5))
    _ = SIPReplyBuilder.buildFromBrokenRequest(bytes, reason: "Bad", toTag: "t", receivedFrom: source, serverHeader: "Server: T")
    let message: SIPMessage
    do {
        message = try SIPMessage.parse(bytes)
    } catch {
        _ = error.description
        return false
    }
    _ = try? message.validate()
    _ = try? message.topVia()
    _ = try? message.vias()
    _ = try? message.from()
    _ = try? message.to()
    _ = try? message.cseq()
    _ = try? message.callIDRange()
    _ = try? message.requestURI()
    _ = try? message.maxForwards()
    _ = try? message.contentLength()
    if let contacts = try? message.contacts() {
        for c in contacts.values {
            _ = c.params(in: message.bytes)
            _ = c.q(in: message.bytes)
            _ = c.expires(in: message.bytes)
            _ = c.uri.params(in: message.bytes)
            _ = c.uri.unescapedUser(in: message.bytes)
            _ = c.displayNameString(in: message.bytes)
        }
    }
    _ = try? message.nameAddrs(.route)
    _ = try? message.nameAddrs(.recordRoute)
    _ = message.listValues(.allow)
    _ = try? message.credentials()
    for field in message.headers {
        _ = message.string(field.valueRange)
        _ = HeaderValueSplitter.split(message.bytes, field.valueRange)
        _ = try? DigestChallenge.parse(message.bytes, field.valueRange)
        _ = try? SIPURI.parse(message.bytes, field.valueRange)
        _ = try? NameAddr.parse(message.bytes, field.valueRange)
        _ = try? ViaHeader.parse(message.bytes, field.valueRange)
    }
    if let via = try? message.topVia() { _ = via.params(in: message.bytes) }
    _ = SIPReplyBuilder.build(
        for: message, code: 400, reason: "Bad", toTag: "x", receivedFrom: source, serverHeader: "Server: T",
        body: [1, 2], contentType: "a/b")
    var edits = EditList()
    edits.insert(Array("X-Fuzz: 1\r\n".utf8), at: message.headerSectionEnd)
    _ = try? MessageSerializer.serialize(message, edits: edits)
    return true
}

@Suite("Malformed input")
struct MalformedInputTests {
    @Test func everyTruncationOfTheInvite() {
        let invite = Samples.invite
        var accepted = 0
        for length in 0 ... invite.count {
            if exerciseEverything(Array(invite.prefix(length))) { accepted += 1 }
        }
        // Once the header section and the Content-Length body are complete, it parses.
        #expect(accepted == 1)
        #expect(exerciseEverything(invite))
    }

    @Test func emptyAndBlankInput() {
        for bytes: [UInt8] in [[], [0x0D, 0x0A], [0x0D, 0x0A, 0x0D, 0x0A], [0x20], [0]] {
            #expect(throws: SIPParseError.self) { try SIPMessage.parse(bytes) }
            do {
                _ = try SIPMessage.parse(bytes)
            } catch {
                #expect(!error.canReply)
            }
        }
    }

    @Test func nulBytes() throws {
        // NUL in a quoted display name is a legal quoted-pair target (RFC 4475 intmeth).
        let quoted = Array("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: \"a\\\u{0}b\" <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n".utf8)
        let m = try SIPMessage.parse(quoted)
        try m.validate()
        #expect(try m.to().displayNameString(in: m.bytes) == "a\u{0}b")
        // Elsewhere NUL breaks the element it sits in, with a reason.
        for (offset, expectedReason) in [(3, "Invalid method"), (26, "Malformed Request-Line"), (37, "Malformed header line"), (60, "Malformed Via header")] {
            var bytes = Samples.invite
            bytes[offset] = 0
            do {
                try SIPMessage.parse(bytes).validate()
                Issue.record("NUL at \(offset) accepted")
            } catch {
                #expect(error.reason == expectedReason, "NUL at \(offset)")
            }
        }
        #expect(!exerciseEverything([UInt8](repeating: 0, count: 64)))
    }

    @Test func randomBytes() {
        var rng = SeededGenerator(state: 42)
        for _ in 0 ..< 2000 {
            let count = Int.random(in: 0 ..< 300, using: &rng)
            let bytes = (0 ..< count).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            exerciseEverything(bytes)
        }
    }

    @Test func seededMutationFuzz() throws {
        var corpus: [[UInt8]] = [Samples.invite, Samples.register]
        if let rows = try? ConformanceFolder.rows() {
            corpus += rows.map(\.bytes)
        }
        let specials: [UInt8] = Array("\r\n:;,\"<>%[]@?= \t\\/".utf8) + [0, 0x80, 0xFF]
        var rng = SeededGenerator(state: 0x5EED_0000_4475)
        var accepted = 0
        for _ in 0 ..< 20_000 {
            var bytes = corpus[Int.random(in: 0 ..< corpus.count, using: &rng)]
            let mutations = Int.random(in: 1 ... 4, using: &rng)
            for _ in 0 ..< mutations where !bytes.isEmpty {
                let at = Int.random(in: 0 ..< bytes.count, using: &rng)
                switch Int.random(in: 0 ..< 7, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0 ... 255, using: &rng)
                case 1: bytes[at] = specials[Int.random(in: 0 ..< specials.count, using: &rng)]
                case 2: bytes.insert(specials[Int.random(in: 0 ..< specials.count, using: &rng)], at: at)
                case 3: bytes.remove(at: at)
                case 4: bytes.removeSubrange(at ..< min(bytes.count, at + Int.random(in: 1 ... 40, using: &rng)))
                case 5:
                    let end = min(bytes.count, at + Int.random(in: 1 ... 60, using: &rng))
                    bytes.insert(contentsOf: bytes[at ..< end], at: Int.random(in: 0 ... bytes.count, using: &rng))
                default: bytes = Array(bytes.prefix(at))
                }
            }
            if exerciseEverything(bytes) { accepted += 1 }
        }
        // The mutations must leave some messages parseable, or the loop tests nothing past parse().
        #expect(accepted > 1000)
    }
}
