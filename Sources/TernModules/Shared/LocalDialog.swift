import SIPCore

/// The dialog a 2xx to a request of ours set up, as its UAC keeps it (RFC 3261 §12.1.2):
/// Call-ID, the two tags, our CSeq, the remote target (the 2xx's Contact) and the route set
/// (its Record-Route, reversed). Requests inside the dialog (ACK, REFER, BYE — click-to-dial)
/// are made from it as ordinary local requests whose headers carry all of that.
public struct LocalDialog: Sendable, Equatable {
    public var callID: String
    /// Our From header value, tag included, exactly as sent.
    public var localParty: String
    /// The remote party's To header value, tag included, as the 2xx gave it.
    public var remoteParty: String
    public var localTag: String
    public var remoteTag: String
    /// The CSeq number of the last request we sent in the dialog.
    public var localCSeq: UInt32
    public var remoteTarget: String
    /// Route values in the order the requests carry them (`<sip:proxy;lr>`).
    public var routeSet: [String]

    /// The dialog of a final reply to one of our requests; nil unless it is a 2xx with a
    /// To-tag and the headers a dialog needs.
    public init?(reply bytes: [UInt8]) {
        guard let reply = try? SIPMessage.parse(bytes), reply.kind == .response,
              (200 ..< 300).contains(reply.statusCode),
              let from = try? reply.from(), let to = try? reply.to(),
              let fromTag = from.tag, let toTag = to.tag,
              let fromField = reply.firstHeader(.from), let toField = reply.firstHeader(.to),
              let callID = try? reply.callIDRange(), let cseq = try? reply.cseq()
        else { return nil }
        self.callID = reply.string(callID)
        localParty = reply.string(fromField.valueRange)
        remoteParty = reply.string(toField.valueRange)
        localTag = reply.string(fromTag)
        remoteTag = reply.string(toTag)
        localCSeq = cseq.number
        if let contact = (try? reply.contacts())?.values.first {
            remoteTarget = reply.string(contact.uri.whole)
        } else {
            remoteTarget = (try? reply.to()).map { reply.string($0.uri.whole) } ?? ""
        }
        var routes: [String] = []
        for field in reply.headers where field.name == .recordRoute {
            routes += HeaderValueList.split(reply.string(field.valueRange))
        }
        routeSet = routes.reversed()
    }

    public init(callID: String, localParty: String, remoteParty: String, localTag: String, remoteTag: String,
                localCSeq: UInt32, remoteTarget: String, routeSet: [String]) {
        self.callID = callID
        self.localParty = localParty
        self.remoteParty = remoteParty
        self.localTag = localTag
        self.remoteTag = remoteTag
        self.localCSeq = localCSeq
        self.remoteTarget = remoteTarget
        self.routeSet = routeSet
    }

    /// The next request in the dialog. ACK reuses the INVITE's CSeq number (RFC 3261
    /// §13.2.2.4); any other method takes the next one. `headers` adds lines (CRLF-ended).
    public mutating func request(method: String, headers: String = "", body: [UInt8] = []) -> LocalRequest {
        if method.uppercased() != "ACK" { localCSeq &+= 1 }
        var requestURI = remoteTarget
        var routes = routeSet
        if let first = routes.first, !LocalDialog.isLooseRoute(first) {
            // A strict router: it becomes the R-URI, the remote target the last route.
            requestURI = LocalDialog.uri(in: first)
            routes.removeFirst()
            routes.append("<\(remoteTarget)>")
        }
        var text = "From: \(localParty)\r\nTo: \(remoteParty)\r\nCall-ID: \(callID)\r\nCSeq: \(localCSeq) \(method)\r\n"
        for route in routes { text += "Route: \(route)\r\n" }
        text += headers
        return LocalRequest(method: method, requestURI: requestURI, headers: text, body: body)
    }

    static func isLooseRoute(_ value: String) -> Bool {
        uri(in: value).lowercased().contains(";lr")
    }

    /// The URI of a name-addr (`<sip:x;lr>` → `sip:x;lr`) or of a bare addr-spec.
    public static func uri(in value: String) -> String {
        if let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            return String(value[value.index(after: open) ..< close])
        }
        let bare = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return bare.trimmingSpaces
    }
}

/// Comma-separated header values, commas inside <…> or quotes left alone.
enum HeaderValueList {
    static func split(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inAngle = false
        var inQuote = false
        for ch in text {
            switch ch {
            case "<" where !inQuote: inAngle = true
            case ">" where !inQuote: inAngle = false
            case "\"": inQuote.toggle()
            case "," where !inAngle && !inQuote:
                out.append(current.trimmingSpaces)
                current = ""
                continue
            default: break
            }
            current.append(ch)
        }
        let last = current.trimmingSpaces
        if !last.isEmpty { out.append(last) }
        return out.filter { !$0.isEmpty }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while let c = slice.first, c == " " || c == "\t" || c == "\r" || c == "\n" { slice.removeFirst() }
        while let c = slice.last, c == " " || c == "\t" || c == "\r" || c == "\n" { slice.removeLast() }
        return String(slice)
    }
}
