import Testing
@testable import TernRPC

@Suite("Management request scanner")
struct ManagementRequestScannerTests {
    private func scanAll(_ text: String, limit: Int = 1 << 20) -> [ManagementRequestScanner.Event] {
        var scanner = ManagementRequestScanner(maximumRequestBytes: limit)
        return scanner.feed(Array(text.utf8))
    }

    @Test func textRequestWithParameters() {
        let events = scanAll(":ul_show_contact:reply_1\nlocation\njiri\n\n")
        #expect(events == [.text(SERTextRequest(command: "ul_show_contact", replyName: "reply_1", lines: ["location", "jiri"]))])
    }

    @Test func byteByByteGivesTheSameRequests() {
        let input = ":uptime:a\n\n{\"method\":\"x\",\"s\":\"}{\\\"\"}\r\n:print:b\r\nhello  \r\n\r\n"
        var scanner = ManagementRequestScanner()
        var events: [ManagementRequestScanner.Event] = []
        for byte in input.utf8 { events += scanner.feed([byte]) }
        #expect(events == scanAll(input))
        #expect(events == [
            .text(SERTextRequest(command: "uptime", replyName: "a", lines: [])),
            .json(Array("{\"method\":\"x\",\"s\":\"}{\\\"\"}".utf8)),
            .text(SERTextRequest(command: "print", replyName: "b", lines: ["hello"])),
        ])
        #expect(!scanner.hasPending)
    }

    @Test func tUacDlgEndsAtTheBodyDotWithoutAnEmptyLine() {
        // The seed's send_im.sh: no empty line after the body's ".".
        let request = ":t_uac_dlg:hh\nNOTIFY\nsip:receiver@127.0.0.1\n.\nFrom: sip:originator@foo.bar\nTo: sip:receiver@127.0.0.1\n.\nHello world!!!!\n.\n"
        var scanner = ManagementRequestScanner()
        let events = scanner.feed(Array(request.utf8))
        #expect(events == [.text(SERTextRequest(command: "t_uac_dlg", replyName: "hh", lines: [
            "NOTIFY", "sip:receiver@127.0.0.1", ".", "From: sip:originator@foo.bar", "To: sip:receiver@127.0.0.1", ".", "Hello world!!!!", ".",
        ]))])
        #expect(!scanner.hasPending)
    }

    @Test func tUacFromKeepsTheEmptyLineBeforeItsBody() {
        let request = ":t_uac_from:xxx\nMESSAGE\nsip:sender@iptel.org\nsip:mrx@iptel.org\nfoo:bar\n\nbody\n\nmore\n.\n\n"
        let events = scanAll(request)
        #expect(events == [.text(SERTextRequest(command: "t_uac_from", replyName: "xxx", lines: [
            "MESSAGE", "sip:sender@iptel.org", "sip:mrx@iptel.org", "foo:bar", "", "body", "", "more", ".",
        ]))])
    }

    @Test func aRequestInterruptedByAnotherIsRefused() {
        let events = scanAll(":print:first\nhalf\n:uptime:second\n\n")
        #expect(events == [
            .refused(.init(kind: .text, replyName: "first", reason: "request not terminated by an empty line")),
            .text(SERTextRequest(command: "uptime", replyName: "second", lines: [])),
        ])
    }

    @Test func oversizedRequestsAreRefusedAndSkipped() {
        let big = ":print:big\n" + String(repeating: "x", count: 5000) + "\n\n:uptime:next\n\n"
        #expect(scanAll(big, limit: 1000) == [
            .refused(.init(kind: .text, replyName: "big", reason: "request too large")),
            .text(SERTextRequest(command: "uptime", replyName: "next", lines: [])),
        ])
        let json = "{\"reply_name\":\"j\",\"params\":[\"" + String(repeating: "{", count: 5000) + "\"]}:uptime:next\n\n"
        #expect(scanAll(json, limit: 1000) == [
            .refused(.init(kind: .json, replyName: "j", reason: "request too large")),
            .text(SERTextRequest(command: "uptime", replyName: "next", lines: [])),
        ])
    }

    @Test func manyShortLinesAreKept() {
        let request = ":print:many\n" + String(repeating: "x\n", count: 100_000) + "\n"
        guard case .text(let parsed)? = scanAll(request).first else { Issue.record("no request"); return }
        #expect(parsed.lines.count == 100_000)
    }

    @Test func expiryRefusesHalfWrittenRequests() {
        var scanner = ManagementRequestScanner()
        #expect(scanner.feed(Array(":print:cut\nno end\n".utf8)).isEmpty)
        #expect(scanner.hasPending)
        #expect(scanner.expire() == [.refused(.init(kind: .text, replyName: "cut", reason: "request not terminated by an empty line"))])
        #expect(!scanner.hasPending)
        #expect(scanner.feed(Array("{\"reply_name\": \"r\", \"method\": \"x\"".utf8)).isEmpty)
        #expect(scanner.expire() == [.refused(.init(kind: .json, replyName: "r", reason: "incomplete JSON document"))])
        #expect(scanner.feed(Array(":uptime:ok\n\n".utf8)) == [.text(SERTextRequest(command: "uptime", replyName: "ok", lines: []))])
    }

    @Test func garbageAndMalformedHeadersAreReportedAndSkipped() {
        #expect(scanAll("hello\n:uptime:a\n\n") == [.garbage("hello"), .text(SERTextRequest(command: "uptime", replyName: "a", lines: []))])
        #expect(scanAll(":x\nparam\n\n:uptime:\n\n") == [.garbage(":x"), .text(SERTextRequest(command: "uptime", replyName: "", lines: []))])
    }

    @Test func replyNameProbe() {
        #expect(ReplyNameProbe.find(in: Array(#"{"a":1, "reply_name" : "x_y", }"#.utf8)) == "x_y")
        #expect(ReplyNameProbe.find(in: Array(#"{"reply_name": 5}"#.utf8)) == nil)
        #expect(ReplyNameProbe.find(in: Array(#"{"reply_name": "unterminated"#.utf8)) == nil)
    }
}
