import SIPCore
import TernRuntime

/// The management commands that start SIP requests of the server's own through tm's UAC
/// API: Kamailio's `tm.t_uac_start` / `tm.t_uac_wait`, SER's `t_uac_dlg` (seed: method,
/// R-URI, next hop or ".", header lines up to ".", body lines up to ".") and `t_uac_from`
/// (method, From or empty, destination, headers up to an empty line, body up to "."). The
/// management modules register them when they start and tm is loaded.
public enum LocalRequestCommands {
    public static func register(in services: RuntimeServices) {
        guard TransactionAPI.service(for: services) != nil else { return }
        services.rpc.register(all(services))
    }

    static func all(_ services: RuntimeServices) -> [RPCCommand] {
        [
            RPCCommand(name: "tm.t_uac_start", help: "Send a request: method ruri nexthop socket headers [body]; answers once sent.") { request, responder in
                start(request, services: services, responder: responder, wait: false)
            },
            RPCCommand(name: "tm.t_uac_wait", help: "Send a request and answer with its final reply: [code, reason, ruri, nexthop, routes, headers].") { request, responder in
                start(request, services: services, responder: responder, wait: true)
            },
            RPCCommand(name: "t_uac_dlg", help: "SER: method, request URI, next hop or '.', header lines, '.', body lines, '.'.") { request, responder in
                legacyDialog(request, services: services, responder: responder)
            },
            RPCCommand(name: "t_uac_from", help: "SER 0.8: method, From (or empty), destination, header lines, empty line, body lines, '.'.") { request, responder in
                legacyFrom(request, services: services, responder: responder)
            },
        ]
    }

    // MARK: tm.t_uac_start / tm.t_uac_wait

    private static func start(_ request: RPCRequest, services: RuntimeServices, responder: RPCResponder, wait: Bool) {
        do throws(RPCError) {
            let method = try request.string(0, missing: "method expected")
            let uri = try request.string(1, missing: "request URI expected")
            let nextHop = request.optionalString(2).flatMap { $0 == "." || $0.isEmpty ? nil : $0 }
            // Kamailio's kamcmd examples pass the header block with literal \r\n.
            let headerText = (request.optionalString(4) ?? "").replacingLiteralLineBreaks
            let body = Array((request.optionalString(5) ?? "").replacingLiteralLineBreaks.utf8)
            let headers = HeaderBlock(lines: headerText.splitLines)
            try headers.requireFromAndTo()
            let local = LocalRequest(method: method, requestURI: uri, nextHop: nextHop, headers: headers.text, body: body)
            try send(local, services: services) { outcome in
                if wait { responder.reply(report(outcome, request: local)) }
            }
            if !wait { responder.reply(.null) }
        } catch {
            responder.fail(error)
        }
    }

    // MARK: SER t_uac_dlg / t_uac_from

    private static func legacyDialog(_ request: RPCRequest, services: RuntimeServices, responder: RPCResponder) {
        do throws(RPCError) {
            let lines = request.strings
            guard let method = lines.first, !method.isEmpty else { throw uacError(400, "method expected") }
            guard lines.count > 1, !lines[1].isEmpty else { throw uacError(400, "ruri expected") }
            let uri = lines[1]
            guard uri.lowercased().hasPrefix("sip:") || uri.lowercased().hasPrefix("sips:") || uri.lowercased().hasPrefix("tel:") else {
                throw uacError(400, "ruri invalid")
            }
            guard lines.count > 2 else { throw uacError(400, "next hop expected") }
            let nextHop = lines[2] == "." || lines[2].isEmpty ? nil : lines[2]
            let sections = Sections(lines.dropFirst(3))
            var headers = HeaderBlock(lines: sections.headers.map { $0.replacing("!!", with: ownAddress(services)) })
            try headers.requireFromAndTo()
            let body = sections.body
            if !body.isEmpty {
                guard headers.has("content-type", compact: "c") else { throw uacError(400, "Content-Type missing") }
                guard !headers.has("content-length", compact: "l") else { throw uacError(400, "Content-Length disallowed") }
            }
            try headers.checkCSeq(method: method)
            headers.dropContentLength()
            let local = LocalRequest(method: method, requestURI: uri, nextHop: nextHop, headers: headers.text, body: Array(body.utf8))
            try send(local, services: services) { outcome in
                deliverLegacy(outcome, request: local, transport: request.transport, responder: responder)
            }
        } catch {
            responder.fail(error)
        }
    }

    private static func legacyFrom(_ request: RPCRequest, services: RuntimeServices, responder: RPCResponder) {
        do throws(RPCError) {
            let lines = request.strings
            guard let method = lines.first, !method.isEmpty else { throw uacError(400, "method expected") }
            guard lines.count > 2, !lines[2].isEmpty else { throw uacError(400, "destination expected") }
            let from = lines[1].isEmpty ? "sip:tern@\(ownAddress(services))" : lines[1]
            let destination = lines[2]
            let sections = Sections(lines.dropFirst(3))
            var headerLines = ["From: <\(from)>", "To: <\(destination)>"]
            headerLines += sections.headers
            let body = sections.body
            if !body.isEmpty, !HeaderBlock(lines: headerLines).has("content-type", compact: "c") {
                headerLines.append("Content-Type: text/plain")
            }
            let local = LocalRequest(method: method, requestURI: destination, headers: HeaderBlock(lines: headerLines).text, body: Array(body.utf8))
            try send(local, services: services) { outcome in
                // SER 0.8 answered with the final status line alone.
                if request.transport == .serFIFO {
                    responder.reply(.null, status: "\(outcome.code) \(outcome.reason)")
                } else {
                    responder.reply(report(outcome, request: local))
                }
            }
        } catch {
            responder.fail(error)
        }
    }

    /// SER's report: the final status line, then the remote target, next hop and route set
    /// (dots when the reply did not confirm a dialog), then the reply's headers and body.
    private static func deliverLegacy(_ outcome: LocalRequestOutcome, request: LocalRequest, transport: RPCTransport, responder: RPCResponder) {
        guard transport == .serFIFO else {
            responder.reply(report(outcome, request: request))
            return
        }
        guard let reply = try? SIPMessage.parse(outcome.reply) else {
            // A local timeout has no reply to show.
            responder.reply(.null, status: "\(outcome.code) \(outcome.reason)")
            return
        }
        let dialog = DialogReply(reply, request: request)
        var text = "\(dialog.remoteTarget ?? ".")\n\(dialog.nextHop ?? ".")\n"
        text += dialog.routeSet.isEmpty ? ".\n" : "Route: \(dialog.routeSet.joined(separator: ", "))\r\n"
        text += String(decoding: outcome.reply[dialog.headerStart...], as: UTF8.self)
        responder.reply(.string(text), status: "\(outcome.code) \(outcome.reason)")
    }

    /// `tm.t_uac_wait`'s result: `[code, reason, ruri, nexthop, routes, headers]`.
    private static func report(_ outcome: LocalRequestOutcome, request: LocalRequest) -> RPCValue {
        guard let reply = try? SIPMessage.parse(outcome.reply) else {
            return .array([.int(outcome.code), .string(outcome.reason), "", "", "", ""])
        }
        let dialog = DialogReply(reply, request: request)
        return .array([
            .int(outcome.code), .string(outcome.reason),
            .string(dialog.remoteTarget ?? ""), .string(dialog.nextHop ?? ""),
            .string(dialog.routeSet.map { "Route: \($0)\r\n" }.joined()),
            .string(String(decoding: outcome.reply[dialog.headerStart...], as: UTF8.self)),
        ])
    }

    private static func send(_ request: LocalRequest, services: RuntimeServices,
                             completion: @escaping @Sendable (LocalRequestOutcome) -> Void) throws(RPCError) {
        guard let tm = TransactionAPI.service(for: services) else { throw RPCError.failed("tm module not loaded") }
        guard tm.startRequest(request, completion: completion) else { throw RPCError.failed("FIFO/UAC error") }
    }

    fileprivate static func uacError(_ code: Int, _ text: String) -> RPCError {
        RPCError(code: code, message: "fifo_uac_error: \(text)")
    }

    /// `!!` in SER requests: the server's own host:port.
    private static func ownAddress(_ services: RuntimeServices) -> String {
        guard let first = services.settings.listens.first else { return "127.0.0.1" }
        return "\(first.host):\(first.port)"
    }
}

/// A SER request's lines after the fixed ones: headers up to "." or an empty line, then the
/// body up to ".".
private struct Sections {
    var headers: [String] = []
    var body = ""

    init(_ lines: ArraySlice<String>) {
        var inBody = false
        var bodyLines: [String] = []
        for line in lines {
            if !inBody {
                if line == "." || line.isEmpty { inBody = true } else { headers.append(line) }
            } else {
                if line == "." { break }
                bodyLines.append(line)
            }
        }
        body = bodyLines.isEmpty ? "" : bodyLines.joined(separator: "\r\n") + "\r\n"
    }
}

/// The header lines of a request from outside, checked as SER's t_uac_dlg checked them.
private struct HeaderBlock {
    var lines: [String]

    var text: String { lines.map { $0 + "\r\n" }.joined() }

    func has(_ name: String, compact: String) -> Bool {
        lines.contains { line in
            guard let colon = line.firstIndex(of: ":") else { return false }
            let field = line[..<colon].trimmingCharacters(in: " \t").lowercased()
            return field == name || field == compact
        }
    }

    func requireFromAndTo() throws(RPCError) {
        guard has("to", compact: "t") else { throw LocalRequestCommands.uacError(400, "To missing") }
        guard has("from", compact: "f") else { throw LocalRequestCommands.uacError(400, "From missing") }
    }

    func checkCSeq(method: String) throws(RPCError) {
        guard let line = lines.first(where: { $0.lowercased().hasPrefix("cseq:") }) else { return }
        let parts = line.dropFirst(5).split(separator: " ", omittingEmptySubsequences: true)
        guard let number = parts.first, Int(number) != nil else { throw LocalRequestCommands.uacError(400, "non-numerical CSeq") }
        if parts.count > 1, parts[1].uppercased() != method.uppercased() {
            throw LocalRequestCommands.uacError(400, "CSeq method mismatch")
        }
    }

    mutating func dropContentLength() {
        lines.removeAll { $0.lowercased().hasPrefix("content-length:") || $0.lowercased().hasPrefix("l:") }
    }
}

/// What a final reply says about the dialog it may have confirmed.
private struct DialogReply {
    var remoteTarget: String?
    var nextHop: String?
    var routeSet: [String] = []
    /// Where the reply's header lines begin (after the status line).
    var headerStart: Int

    init(_ reply: SIPMessage, request: LocalRequest) {
        let bytes = reply.bytes
        var start = reply.messageStart
        while start < bytes.count, bytes[start] != 0x0A { start += 1 }
        headerStart = min(bytes.count, start + 1)
        // Only a 2xx to a dialog-creating request confirms a dialog.
        let creates = ["INVITE", "SUBSCRIBE", "REFER"].contains(request.method.uppercased())
        guard creates, (200..<300).contains(reply.statusCode) else { return }
        if let contact = reply.headers.first(where: { $0.name == .contact }) {
            remoteTarget = DialogReply.uri(in: reply.string(contact.valueRange))
        }
        // A UAC's route set is the Record-Route list reversed (RFC 3261 §12.1.2).
        for field in reply.headers.reversed() where field.name == .recordRoute {
            let values = reply.string(field.valueRange).split(separator: ",").map { $0.trimmingCharacters(in: " \t") }
            routeSet += values.reversed()
        }
        if let first = routeSet.first { nextHop = DialogReply.uri(in: first) }
    }

    static func uri(in value: String) -> String {
        if let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            return String(value[value.index(after: open)..<close])
        }
        return (value.split(separator: ";", maxSplits: 1).first ?? Substring(value)).trimmingCharacters(in: " \t")
    }
}

extension String {
    fileprivate var replacingLiteralLineBreaks: String {
        replacing("\\r\\n", with: "\r\n").replacing("\\n", with: "\n")
    }

    fileprivate var splitLines: [String] {
        split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    }
}
