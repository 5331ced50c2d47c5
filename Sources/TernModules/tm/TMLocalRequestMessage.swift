import SIPCore
import TernRuntime

/// A local request's bytes (RFC 3261 §8.1.1): the request line, our Via, the caller's header
/// lines, and what they left out — a From tag, Call-ID, CSeq (10, as Kamailio's new local
/// dialogs), Max-Forwards — then a Content-Length that matches the body. Via and
/// Content-Length lines given are replaced; a body needs a Content-Type.
enum TMLocalRequestMessage {
    struct Built {
        var bytes: [UInt8]
        var callID: String
        var cseqNumber: UInt32
        /// The first Route value, when the request carries a route set.
        var firstRoute: String?
    }

    enum Failure: Error {
        case missingHeader(String)
        case badCSeq
    }

    static let initialCSeq: UInt32 = 10

    static func build(_ request: LocalRequest, viaLine: [UInt8], localHost: String) -> Result<Built, Failure> {
        let lines = headerLines(request.headers)
        var out: [UInt8] = []
        out.reserveCapacity(512 + request.body.count)
        out += "\(request.method) \(request.requestURI) SIP/2.0\r\n".utf8
        out += viaLine
        var seen: Set<String> = []
        var callID: String?
        var cseqNumber: UInt32?
        var firstRoute: String?
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = canonicalName(String(line[..<colon]))
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(" \t")
            switch name {
            case "via", "content-length":
                continue
            case "from":
                out += "From: \(hasTag(value) ? value : value + ";tag=" + randomHex(16))\r\n".utf8
            case "call-id":
                callID = value
                out += "Call-ID: \(value)\r\n".utf8
            case "cseq":
                guard let number = value.split(separator: " ").first.flatMap({ UInt32($0) }) else { return .failure(.badCSeq) }
                cseqNumber = number
                out += "CSeq: \(number) \(request.method)\r\n".utf8
            case "route":
                if firstRoute == nil, let first = HeaderValueList.split(value).first { firstRoute = first }
                out += line.utf8
                out += [13, 10]
            default:
                out += line.utf8
                out += [13, 10]
            }
            seen.insert(name)
        }
        guard seen.contains("from") else { return .failure(.missingHeader("From")) }
        guard seen.contains("to") else { return .failure(.missingHeader("To")) }
        if !request.body.isEmpty, !seen.contains("content-type") { return .failure(.missingHeader("Content-Type")) }
        if callID == nil {
            callID = randomHex(24) + "@" + localHost
            out += "Call-ID: \(callID ?? "")\r\n".utf8
        }
        if cseqNumber == nil {
            cseqNumber = initialCSeq
            out += "CSeq: \(initialCSeq) \(request.method)\r\n".utf8
        }
        if !seen.contains("max-forwards") { out += "Max-Forwards: 70\r\n".utf8 }
        out += "Content-Length: \(request.body.count)\r\n\r\n".utf8
        out += request.body
        return .success(Built(bytes: out, callID: callID ?? "", cseqNumber: cseqNumber ?? 1, firstRoute: firstRoute))
    }

    /// Header lines, folded continuation lines joined, empty lines dropped.
    static func headerLines(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = String(raw)
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingCharacters(" \t")
            } else if !line.trimmingCharacters(" \t").isEmpty {
                lines.append(line)
            }
        }
        return lines
    }

    static func canonicalName(_ name: String) -> String {
        let lower = name.trimmingCharacters(" \t").lowercased()
        switch lower {
        case "f": return "from"
        case "t": return "to"
        case "i": return "call-id"
        case "v": return "via"
        case "l": return "content-length"
        case "m": return "contact"
        case "c": return "content-type"
        default: return lower
        }
    }

    static func hasTag(_ value: String) -> Bool {
        // Only parameters after the URI count: a `;tag=` inside <…> belongs to the URI.
        let afterURI: Substring
        if let close = value.lastIndex(of: ">") { afterURI = value[close...] } else { afterURI = Substring(value) }
        return afterURI.lowercased().contains(";tag=")
    }

    static func randomHex(_ digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        while text.count < digits { text += String(generator.next() as UInt64, radix: 16) }
        return String(text.prefix(digits))
    }
}

extension String {
    fileprivate func trimmingCharacters(_ set: String) -> String {
        var slice = Substring(self)
        while let c = slice.first, set.contains(c) { slice.removeFirst() }
        while let c = slice.last, set.contains(c) { slice.removeLast() }
        return String(slice)
    }
}
