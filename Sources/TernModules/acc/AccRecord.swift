import SIPCore

/// One accounting record: Kamailio's core attributes of a request (and the reply that ends
/// its transaction) plus the extra attributes, written as a log line or a table row.
struct AccRecord: Equatable {
    /// Which event the record is for: the log line's prefix.
    enum Kind: Equatable {
        case answered, missed, request, acknowledged

        var logPrefix: String {
            switch self {
            case .answered: return "ACC: transaction answered: "
            case .missed: return "ACC: call missed: "
            case .request: return "ACC: request accounted: "
            case .acknowledged: return "ACC: request acknowledged: "
            }
        }
    }

    var kind: Kind
    /// Unix seconds.
    var timestamp: Int64
    var method: String
    var fromTag: String
    var toTag: String
    var callID: String
    /// The status code as text ("" when a comment gave none).
    var code: String
    var reason: String
    var extras: [(name: String, value: String?)] = []

    static func == (a: AccRecord, b: AccRecord) -> Bool {
        a.kind == b.kind && a.timestamp == b.timestamp && a.method == b.method && a.fromTag == b.fromTag
            && a.toTag == b.toTag && a.callID == b.callID && a.code == b.code && a.reason == b.reason
            && a.extras.map(\.name) == b.extras.map(\.name) && a.extras.map(\.value) == b.extras.map(\.value)
    }

    /// Kamailio's acc log line: `ACC: transaction answered: timestamp=…;method=…;from_tag=…;
    /// to_tag=…;call_id=…;code=…;reason=…` and `;name=value` per extra (a null one empty).
    var logLine: String {
        var line = kind.logPrefix + "timestamp=\(timestamp)"
        line += ";method=" + method + ";from_tag=" + fromTag + ";to_tag=" + toTag + ";call_id=" + callID
        line += ";code=" + code + ";reason=" + reason
        for extra in extras { line += ";" + extra.name + "=" + (extra.value ?? "") }
        return line
    }
}

/// The parts of a record taken from the request and, for a transaction's end, its reply.
enum AccRecordFields {
    /// `reply` is the reply that ends the transaction (received or local); nil when tm had
    /// none (a branch timed out): then the To-tag is the one tm puts in its own replies
    /// (`localToTag`) and the reason the code's standard phrase.
    static func record(_ kind: AccRecord.Kind, request: SIPMessage, reply: SIPMessage?, code: Int,
                       localToTag: String?, timestamp: Int64, swapDirection: Bool = false) -> AccRecord {
        var fromTag = tag(of: request, from: true)
        var toTag = reply.map { tag(of: $0, from: false) } ?? tag(of: request, from: false)
        if toTag.isEmpty, let localToTag { toTag = localToTag }
        if swapDirection { swap(&fromTag, &toTag) }
        let reason: String
        if let reply, reply.kind == .response {
            reason = reply.string(reply.reasonRange)
        } else {
            reason = AccReasonPhrase.text(for: code)
        }
        return AccRecord(kind: kind, timestamp: timestamp, method: method(of: request), fromTag: fromTag, toTag: toTag,
                         callID: callID(of: request), code: String(code), reason: reason)
    }

    /// acc_log_request / acc_db_request: the request alone; a comment starting with three
    /// digits gives the code and the rest the reason ("404 Not Found"), otherwise the whole
    /// comment is the reason and the code is empty.
    static func record(comment: String, request: SIPMessage, timestamp: Int64) -> AccRecord {
        let (code, reason) = AccComment.split(comment)
        return AccRecord(kind: .request, timestamp: timestamp, method: method(of: request), fromTag: tag(of: request, from: true),
                         toTag: tag(of: request, from: false), callID: callID(of: request), code: code, reason: reason)
    }

    /// The CSeq method, as Kamailio's acc takes it (a reply has one too).
    static func method(of message: SIPMessage) -> String {
        if let cseq = try? message.cseq() { return message.string(cseq.methodRange) }
        return message.kind == .response ? "" : message.string(message.methodRange)
    }

    static func callID(of message: SIPMessage) -> String {
        guard let range = try? message.callIDRange() else { return "" }
        return message.string(range)
    }

    static func tag(of message: SIPMessage, from: Bool) -> String {
        guard let header = try? (from ? message.from() : message.to()), let range = header.tag else { return "" }
        return message.string(range)
    }
}

/// acc's comment argument: "404 Not Found" → ("404", "Not Found"), "hello" → ("", "hello").
enum AccComment {
    static func split(_ comment: String) -> (code: String, reason: String) {
        let bytes = Array(comment.utf8)
        guard bytes.count >= 3, bytes[0 ..< 3].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return ("", comment) }
        var rest = bytes[3...]
        while let first = rest.first, first == 32 || first == 9 || first == 10 || first == 13 { rest = rest.dropFirst() }
        return (String(decoding: bytes[0 ..< 3], as: UTF8.self), String(decoding: rest, as: UTF8.self))
    }
}

/// The standard reason phrases (RFC 3261 §21 and later RFCs), for replies tm made up.
enum AccReasonPhrase {
    static func text(for code: Int) -> String {
        switch code {
        case 100: return "Trying"
        case 180: return "Ringing"
        case 181: return "Call Is Being Forwarded"
        case 182: return "Queued"
        case 183: return "Session Progress"
        case 200: return "OK"
        case 202: return "Accepted"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Moved Temporarily"
        case 305: return "Use Proxy"
        case 380: return "Alternative Service"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 413: return "Request Entity Too Large"
        case 414: return "Request-URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Unsupported URI Scheme"
        case 420: return "Bad Extension"
        case 421: return "Extension Required"
        case 423: return "Interval Too Brief"
        case 480: return "Temporarily Unavailable"
        case 481: return "Call/Transaction Does Not Exist"
        case 482: return "Loop Detected"
        case 483: return "Too Many Hops"
        case 484: return "Address Incomplete"
        case 485: return "Ambiguous"
        case 486: return "Busy Here"
        case 487: return "Request Terminated"
        case 488: return "Not Acceptable Here"
        case 491: return "Request Pending"
        case 493: return "Undecipherable"
        case 500: return "Server Internal Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Server Time-out"
        case 505: return "Version Not Supported"
        case 513: return "Message Too Large"
        case 600: return "Busy Everywhere"
        case 603: return "Decline"
        case 604: return "Does Not Exist Anywhere"
        case 606: return "Not Acceptable"
        default:
            switch code / 100 {
            case 1: return "Provisional"
            case 2: return "Success"
            case 3: return "Redirection"
            case 4: return "Request Failure"
            case 5: return "Server Failure"
            case 6: return "Global Failure"
            default: return "Unknown"
            }
        }
    }
}
