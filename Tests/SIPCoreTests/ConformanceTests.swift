// Every RFC 4475 / RFC 5118 torture message through parse() + validate(), checked against the
// manifest class and, for the messages the RFCs describe value by value, against those values.
//
// Choices for the "semantic" class (the RFC leaves the answer to the element's role):
// - badbranch: accepted (branch "z9hG4bK" is kept; transaction matching is tm's business).
// - unkscm, novelsc: rejected by validate() with 416 Unsupported URI Scheme.
// - unksm2: accepted; From/To/Contact keep their unknown schemes as opaque URIs (a registrar
//   rejects later).
// - bext01, invut, regaut01, sdp01, zeromf, cparam01, cparam02, regescrt, inv2543: accepted;
//   the Require/Content-Type/Accept/Max-Forwards answers belong to the modules.
// - bcast: a response, accepted by the parser (where it may be sent is the forwarder's business).
// Semantic-reject (insuf, multi01, mcl01) are rejected with 400.

import Foundation
import SIPCore
import Testing

struct ManifestRow {
    var suite: String
    var file: String
    var classification: String
    var bytes: [UInt8]
}

enum ConformanceFolder {
    /// `<repository>/../shared/conformance`, found from this source file.
    static var url: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // SIPCoreTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // repository
            .deletingLastPathComponent()   // folder beside the repository
            .appendingPathComponent("shared/conformance")
    }

    static func rows() throws -> [ManifestRow] {
        var rows: [ManifestRow] = []
        for suite in ["rfc4475", "rfc5118"] {
            let folder = url.appendingPathComponent(suite)
            let manifest = folder.appendingPathComponent("MANIFEST.tsv")
            guard let data = FileManager.default.contents(atPath: manifest.path) else {
                throw MissingConformanceFolder(path: manifest.path)
            }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst()
            for line in lines {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard columns.count >= 4 else { continue }
                let path = folder.appendingPathComponent(columns[0]).path
                guard let message = FileManager.default.contents(atPath: path) else {
                    throw MissingConformanceFolder(path: path)
                }
                rows.append(ManifestRow(suite: suite, file: columns[0], classification: columns[3], bytes: Array(message)))
            }
        }
        return rows
    }
}

struct MissingConformanceFolder: Error, CustomStringConvertible {
    var path: String
    var description: String {
        "conformance vectors not found at \(path): the shared folder must sit beside the repository (shared/conformance)"
    }
}

enum Expectation {
    /// parse() + validate() succeed; the closure checks values.
    case accept((SIPMessage) throws -> Void)
    /// parse() or validate() throws with this status (nil: any status; responses are dropped).
    case reject(status: Int?, canReply: Bool?)
}

@Suite("RFC 4475 / RFC 5118 conformance")
struct ConformanceTests {
    @Test("every manifest file has an expectation and meets it")
    func everyVector() throws {
        let rows = try ConformanceFolder.rows()
        #expect(rows.count == 61, "49 RFC 4475 + 12 RFC 5118 messages expected")
        let table = Self.table
        for row in rows {
            let key = row.suite + "/" + row.file
            guard let expectation = table[key] else {
                Issue.record("no expectation for \(key) (class \(row.classification))")
                continue
            }
            switch (row.classification, expectation) {
            case ("valid", .accept), ("tolerate", .accept), ("invalid", .reject), ("semantic-reject", .reject), ("semantic", _):
                break
            default:
                Issue.record("\(key): expectation contradicts manifest class \(row.classification)")
            }
            check(key, row.bytes, expectation)
        }
        let names = Set(rows.map { $0.suite + "/" + $0.file })
        for key in table.keys where !names.contains(key) {
            Issue.record("expectation for \(key), which the manifests do not list")
        }
    }

    private func check(_ key: String, _ bytes: [UInt8], _ expectation: Expectation) {
        switch expectation {
        case .accept(let values):
            do {
                let message = try SIPMessage.parse(bytes)
                try message.validate()
                if message.kind == .request {
                    _ = try message.requestURI()
                    _ = try message.vias()
                    _ = try message.from()
                    _ = try message.to()
                    if message.firstHeader(.contact) != nil { _ = try message.contacts() }
                }
                try values(message)
            } catch {
                Issue.record("\(key) should be accepted, got \(error)")
            }
        case .reject(let status, let canReply):
            do {
                let message = try SIPMessage.parse(bytes)
                try message.validate()
                Issue.record("\(key) should be rejected but was accepted")
            } catch {
                if let status { #expect(error.statusCode == status, "\(key): \(error)") }
                if let canReply { #expect(error.canReply == canReply, "\(key): canReply") }
                if error.canReply {
                    // The reply the server would send must itself be a well-formed response.
                    let source = SocketAddressText(ip: "192.0.2.200", port: 5099)
                    guard let reply = SIPReplyBuilder.buildFromBrokenRequest(
                        bytes, code: error.statusCode, reason: error.reason, toTag: "t1", receivedFrom: source,
                        serverHeader: "Server: Tern")
                    else {
                        Issue.record("\(key): canReply but no reply could be built")
                        return
                    }
                    do {
                        let parsed = try SIPMessage.parse(reply)
                        #expect(parsed.statusCode == error.statusCode, "\(key)")
                        #expect(parsed.kind == .response, "\(key)")
                    } catch {
                        Issue.record("\(key): reply does not parse: \(error)\n\(text(reply))")
                    }
                }
            }
        }
    }

    static let table: [String: Expectation] = {
        var t: [String: Expectation] = [:]
        let reject400 = Expectation.reject(status: 400, canReply: nil)
        let dropResponse = Expectation.reject(status: nil, canReply: false)

        // MARK: RFC 4475 §3.1.1 valid
        t["rfc4475/wsinv.dat"] = .accept { m throws in
            let b = m.bytes
            #expect(m.method == .invite)
            let ruri = try m.requestURI()
            #expect(ruri.userString(in: b) == "vivekg")
            #expect(ruri.hostString(in: b) == "chair-dnrc.example.com")
            #expect(ruri.params(in: b).map { m.string($0.name) } == ["unknownparam"])
            let to = try m.to()
            #expect(to.uri.userString(in: b) == "vivekg")
            #expect(to.tag.map(m.string) == "1918181833n")
            let from = try m.from()
            #expect(from.displayNameString(in: b) == "J Rosenberg \\\"")
            #expect(from.tag.map(m.string) == "98asjd8")
            #expect(try m.maxForwards() == 68)
            let cseq = try m.cseq()
            #expect(cseq.number == 9)
            #expect(cseq.method == .invite)
            let vias = try m.vias()
            #expect(vias.count == 3)
            #expect(vias.map { m.string($0.host) } == ["192.0.2.2", "spindle.example.com", "192.168.255.111"])
            #expect(vias.map { m.string($0.transport) } == ["UDP", "TCP", "UDP"])
            #expect(vias.map { $0.branch.map(m.string) } == ["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"])
            let contacts = try m.contacts().values
            #expect(contacts.count == 1)
            #expect(contacts.first?.displayNameString(in: b) == "Quoted string \"\"")
            #expect(contacts.first?.q(in: b) == 330)
            #expect(contacts.first?.params(in: b).map { m.string($0.name) } == ["newparam", "secondparam", "q"])
            #expect(m.firstHeader(.subject)?.valueRange.isEmpty == true)
            #expect(try m.contentLength() == 150)
            #expect(m.bodyRange.count == 150)
            #expect(m.headers(named: "NewFangledHeader").count == 1)
            #expect(m.firstHeader(.route).map { m.string($0.valueRange) } == "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>")
        }
        t["rfc4475/intmeth.dat"] = .accept { m throws in
            let b = m.bytes
            #expect(m.method == .other)
            #expect(m.string(m.methodRange) == "!interesting-Method0123456789_*+`.%indeed'~")
            #expect(m.methodIs(raw: "!interesting-Method0123456789_*+`.%indeed'~"))
            let ruri = try m.requestURI()
            #expect(ruri.userString(in: b) == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
            #expect(ruri.passwordString(in: b) == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
            #expect(ruri.hostString(in: b) == "example.com")
            #expect(try m.topVia().branch.map(m.string) == "z9hG4bK-.!%66*_+`'~")
            #expect(try m.from().tag.map(m.string) == "_token~1'+`*%!-.")
            #expect(try m.from().displayName.map(m.string) == "token1~` token2'+_ token3*%!.-")
            #expect(try m.to().uri.userString(in: b) == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
            #expect(try m.maxForwards() == 255)
            #expect(try m.cseq().number == 139122385)
            #expect(m.headers(named: "extensionHeader-!.%*+_`'~").count == 1)
        }
        t["rfc4475/esc01.dat"] = .accept { m throws in
            let b = m.bytes
            #expect(try m.requestURI().unescapedUserString(in: b) == "sips:user@example.com")
            #expect(try m.requestURI().hostString(in: b) == "example.net")
            #expect(try m.to().uri.unescapedUserString(in: b) == "user")
            #expect(try m.from().uri.unescapedUserString(in: b) == "I have spaces")
            let contact = try m.contacts().values
            #expect(contact.first?.uri.unescapedUserString(in: b) == "caller")
            #expect(contact.first?.uri.params(in: b).map { m.string($0.name) } == ["%6C%72", "n%61me"])
            #expect(m.firstHeader(.contentType).map { m.string($0.valueRange) } == "application/sdp")
        }
        t["rfc4475/escnull.dat"] = .accept { m throws in
            let b = m.bytes
            #expect(try m.to().uri.unescapedUser(in: b) == Array("null-".utf8) + [0] + Array("-null".utf8))
            #expect(try m.from().uri.unescapedUser(in: b)?.count == 11)
            let contacts = try m.contacts().values
            #expect(contacts.map { $0.uri.unescapedUser(in: b) } == [[0], [0, 0]])
        }
        t["rfc4475/esc02.dat"] = .accept { m throws in
            #expect(m.method == .other)
            #expect(!m.methodIs(.register))
            #expect(m.string(try m.cseq().methodRange) == "RE%47IST%45R")
            #expect(try m.contacts().values.count == 2)
            #expect(m.headers(named: "C%6Fntact").count == 1)
            #expect(try m.to().displayName.map(m.string) == "\"%Z%45\"")
        }
        t["rfc4475/lwsdisp.dat"] = .accept { m throws in
            #expect(try m.from().displayName.map(m.string) == "caller")
            #expect(try m.from().uri.userString(in: m.bytes) == "caller")
        }
        t["rfc4475/longreq.dat"] = .accept { m throws in
            let vias = try m.vias()
            #expect(vias.count == 34)
            #expect(vias.prefix(33).map { m.string($0.host) } == (1 ... 33).reversed().map { "sip\($0).example.com" })
            #expect(vias.last.flatMap { $0.received.map(m.string) } == "192.0.2.5")
            #expect(vias.last?.branch.map { m.string($0).hasSuffix("longbranchvalue") } == true)
            #expect(try m.to().uri.port == 6000)
            #expect(try m.from().tag?.count == 155)
            #expect(m.string(try m.callIDRange()).hasSuffix("reallylongcallid"))
            #expect(try m.contentLength() == 150)
        }
        t["rfc4475/dblreq.dat"] = .accept { m throws in
            #expect(m.method == .register)
            #expect(m.bodyRange.isEmpty)
            #expect(try m.contentLength() == 0)
            #expect(m.bytes.count > m.headerSectionEnd, "the trailing INVITE is still in the datagram")
            #expect(m.string(try m.callIDRange()) == "dblreq.0ha0isndaksdj99sdfafnl3lk233412")
            let forwarded = try MessageSerializer.serialize(m, edits: EditList())
            #expect(!text(forwarded).contains("INVITE"), "serializing drops the trailing request")
        }
        t["rfc4475/semiuri.dat"] = .accept { m throws in
            let uri = try m.requestURI()
            #expect(uri.userString(in: m.bytes) == "user;par=u%40example.net")
            #expect(uri.hostString(in: m.bytes) == "example.com")
            #expect(uri.params(in: m.bytes).isEmpty)
            #expect(m.listValues(.accept).map(m.string) == [
                "application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed",
                "message/sip", "message/sipfrag",
            ])
        }
        t["rfc4475/transports.dat"] = .accept { m throws in
            #expect(try m.vias().map { m.string($0.transport) } == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
            #expect(try m.vias().map { $0.transportProtocol } == [.udp, .sctp, .tls, nil, .tcp])
        }
        t["rfc4475/mpart01.dat"] = .accept { m throws in
            #expect(m.bodyRange.count == 553)
            #expect(try m.topVia().rport == .empty)
            #expect(try m.topVia().port == 5070)
            #expect(m.firstHeader(.identity) != nil)
            #expect(m.string(m.firstHeader(.contentType)!.valueRange) == "multipart/mixed;boundary=7a9cbec02ceef655")
        }
        t["rfc4475/unreason.dat"] = .accept { m throws in
            #expect(m.kind == .response)
            #expect(m.statusCode == 200)
            #expect(m.string(m.reasonRange).hasPrefix("= 2**3 * 5**2 но сто девяносто девять"))
            #expect(m.method == .invite, "a reply's method comes from CSeq")
        }
        t["rfc4475/noreason.dat"] = .accept { m throws in
            #expect(m.statusCode == 100)
            #expect(m.reasonRange.isEmpty)
        }

        // MARK: RFC 4475 §3.1.2 invalid
        t["rfc4475/badinv01.dat"] = .reject(status: 400, canReply: false)
        t["rfc4475/clerr.dat"] = .reject(status: 400, canReply: true)
        t["rfc4475/ncl.dat"] = reject400
        t["rfc4475/scalar02.dat"] = reject400
        t["rfc4475/scalarlg.dat"] = dropResponse
        t["rfc4475/quotbal.dat"] = reject400
        t["rfc4475/ltgtruri.dat"] = reject400
        t["rfc4475/lwsruri.dat"] = reject400
        t["rfc4475/lwsstart.dat"] = reject400
        t["rfc4475/trws.dat"] = reject400
        t["rfc4475/escruri.dat"] = reject400
        t["rfc4475/baddate.dat"] = reject400
        t["rfc4475/regbadct.dat"] = reject400
        t["rfc4475/badaspec.dat"] = reject400
        t["rfc4475/baddn.dat"] = reject400
        t["rfc4475/badvers.dat"] = .reject(status: 505, canReply: true)
        t["rfc4475/mismatch01.dat"] = .reject(status: 400, canReply: true)
        t["rfc4475/mismatch02.dat"] = .reject(status: 400, canReply: true)
        t["rfc4475/bigcode.dat"] = dropResponse

        // MARK: RFC 4475 §3.2-3.4 semantic
        t["rfc4475/badbranch.dat"] = .accept { m throws in
            #expect(try m.topVia().branch.map(m.string) == "z9hG4bK")
        }
        t["rfc4475/insuf.dat"] = .reject(status: 400, canReply: true)
        t["rfc4475/unkscm.dat"] = .reject(status: 416, canReply: true)
        t["rfc4475/novelsc.dat"] = .reject(status: 416, canReply: true)
        t["rfc4475/unksm2.dat"] = .accept { m throws in
            #expect(try m.to().uri.scheme == .other)
            #expect(try m.to().uri.schemeString(in: m.bytes) == "isbn")
            #expect(try m.from().uri.scheme == .other)
            #expect(try m.contacts().values.first?.uri.scheme == .other)
        }
        t["rfc4475/bext01.dat"] = .accept { m throws in
            #expect(m.listValues(.require).map(m.string) == ["nothingSupportsThis", "nothingSupportsThisEither"])
            #expect(m.listValues(.proxyRequire).map(m.string) == ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"])
        }
        t["rfc4475/invut.dat"] = .accept { m throws in
            #expect(m.string(m.firstHeader(.contentType)!.valueRange) == "application/unknownformat")
            #expect(m.bodyRange.count == 40)
        }
        t["rfc4475/regaut01.dat"] = .accept { m throws in
            let credentials = try m.credentials()
            #expect(credentials.map { m.string($0.scheme) } == "NoOneKnowsThisScheme")
            #expect(credentials?.isDigest == false)
        }
        t["rfc4475/multi01.dat"] = .reject(status: 400, canReply: true)
        t["rfc4475/mcl01.dat"] = .reject(status: 400, canReply: true)
        t["rfc4475/bcast.dat"] = .accept { m throws in
            #expect(try m.vias().map { m.string($0.host) } == ["192.0.2.198", "255.255.255.255"])
        }
        t["rfc4475/zeromf.dat"] = .accept { m throws in
            #expect(try m.maxForwards() == 0)
        }
        t["rfc4475/cparam01.dat"] = .accept { m throws in
            let contact = try m.contacts().values.first
            #expect(contact?.uri.params(in: m.bytes).isEmpty == true)
            #expect(contact?.params(in: m.bytes).map { m.string($0.name) } == ["unknownparam"])
        }
        t["rfc4475/cparam02.dat"] = .accept { m throws in
            let contact = try m.contacts().values.first
            #expect(contact?.uri.params(in: m.bytes).map { m.string($0.name) } == ["unknownparam"])
            #expect(contact?.params(in: m.bytes).isEmpty == true)
        }
        t["rfc4475/regescrt.dat"] = .accept { m throws in
            let contact = try m.contacts().values.first
            #expect(contact?.uri.headers.map(m.string) == "Route=%3Csip:sip.example.com%3E")
            #expect(m.firstHeader(.route) == nil)
        }
        t["rfc4475/sdp01.dat"] = .accept { m throws in
            #expect(m.string(m.firstHeader(.accept)!.valueRange) == "text/nobodyKnowsThis")
        }
        t["rfc4475/inv2543.dat"] = .accept { m throws in
            #expect(try m.topVia().branch == nil)
            #expect(try m.from().tag == nil)
            #expect(try m.contentLength() == nil)
            #expect(try m.maxForwards() == nil)
            #expect(m.bodyRange == m.headerSectionEnd ..< m.bytes.count, "body is the rest of the datagram")
            #expect(m.string(m.bodyRange).hasPrefix("v=0"))
        }

        // MARK: RFC 5118
        t["rfc5118/ipv6-good.dat"] = .accept { m throws in
            #expect(try m.requestURI().hostString(in: m.bytes) == "[2001:db8::10]")
            #expect(try m.requestURI().isIPv6Reference)
            #expect(try m.topVia().hostString(in: m.bytes) == "[2001:db8::9:1]")
            #expect(try m.contacts().values.first?.uri.hostAddressString(in: m.bytes) == "2001:db8::1")
        }
        t["rfc5118/ipv6-bad.dat"] = reject400
        t["rfc5118/port-ambiguous.dat"] = .accept { m throws in
            #expect(try m.requestURI().hostString(in: m.bytes) == "[2001:db8::10:5070]")
            #expect(try m.requestURI().port == nil)
        }
        t["rfc5118/port-unambiguous.dat"] = .accept { m throws in
            #expect(try m.requestURI().hostString(in: m.bytes) == "[2001:db8::10]")
            #expect(try m.requestURI().port == 5070)
        }
        t["rfc5118/via-received-param-with-delim.dat"] = .accept { m throws in
            #expect(try m.topVia().received.map(m.string) == "[2001:db8::9:255]")
        }
        t["rfc5118/via-received-param-no-delim.dat"] = .accept { m throws in
            #expect(try m.topVia().received.map(m.string) == "2001:db8::9:255")
            #expect(try m.topVia().branch.map(m.string) == "z9hG4bKas3")
        }
        t["rfc5118/ipv6-in-sdp.dat"] = .accept { m throws in
            #expect(m.string(m.bodyRange).contains("c=IN IP6 2001:db8::20"))
        }
        t["rfc5118/mult-ip-in-header.dat"] = .accept { m throws in
            let vias = try m.vias()
            #expect(vias.map { m.string($0.host) } == ["[2001:db8::9:1]", "192.0.2.1", "[2001:db8::9:255]"])
            #expect(vias.first?.port == 6050)
            #expect(vias.last?.received.map(m.string) == "192.0.2.200")
        }
        t["rfc5118/mult-ip-in-sdp.dat"] = .accept { m throws in
            #expect(m.bodyRange.count == 189)
        }
        t["rfc5118/ipv4-mapped-ipv6.dat"] = .accept { m throws in
            #expect(try m.topVia().hostString(in: m.bytes) == "[::ffff:192.0.2.10]")
            #expect(try m.topVia().port == 19823)
            #expect(try m.contacts().values.first?.uri.hostString(in: m.bytes) == "[::ffff:192.0.2.2]")
        }
        t["rfc5118/ipv6-bug-abnf-3-colons.dat"] = .accept { m throws in
            #expect(try m.requestURI().hostString(in: m.bytes) == "[2001:db8:::192.0.2.1]")
        }
        t["rfc5118/ipv6-correct-abnf-2-colons.dat"] = .accept { m throws in
            #expect(try m.requestURI().hostString(in: m.bytes) == "[2001:db8::192.0.2.1]")
        }
        return t
    }()

    @Test("reasons name the problem")
    func reasons() throws {
        let rows = try ConformanceFolder.rows()
        func reason(_ file: String) -> String? {
            guard let row = rows.first(where: { $0.file == file }) else { return nil }
            do {
                try SIPMessage.parse(row.bytes).validate()
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(reason("mismatch01.dat") == "CSeq method does not match request method")
        #expect(reason("clerr.dat") == "Content-Length larger than message")
        #expect(reason("badvers.dat") == "Version Not Supported")
        #expect(reason("multi01.dat")?.hasPrefix("Duplicate ") == true)
        #expect(reason("mcl01.dat") == "Conflicting Content-Length values")
        #expect(reason("scalar02.dat") == "CSeq number is too large")
        #expect(reason("quotbal.dat") == "Malformed To header")
        #expect(reason("escruri.dat") == "Request-URI must not contain headers")
        #expect(reason("baddate.dat") == "Malformed Date header")
        #expect(reason("unkscm.dat") == "Unsupported URI Scheme")
        #expect(reason("insuf.dat")?.hasPrefix("Missing ") == true)
    }
}
