/// A legacy text request: `:command:reply_name`, its parameter lines, an empty line.
public struct SERTextRequest: Sendable, Equatable {
    public var command: String
    /// Empty when the client wants no reply.
    public var replyName: String
    public var lines: [String]
}

/// Splits the byte stream of a management FIFO (or control connection) into requests.
/// Both protocols share the pipe: a request starting with `:` is SER text, one starting
/// with `{` a JSON-RPC document. Requests are bounded in size; the scanner has no clock —
/// its owner calls `expire()` when the pipe has been idle with a request half-written.
public struct ManagementRequestScanner: Sendable {
    public enum Event: Sendable, Equatable {
        case text(SERTextRequest)
        case json([UInt8])
        /// A request that will not run, and why; answered when its reply name is known.
        case refused(Refusal)
        /// A line that is no request (logged, skipped).
        case garbage(String)
    }

    public struct Refusal: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case text, json }
        public var kind: Kind
        public var replyName: String?
        public var reason: String
    }

    private enum State: Sendable {
        case idle
        case textHeader
        /// Reading parameter lines; the request so far is in `header`, `lines`, `uac` (kept
        /// outside the enum so appending a line never copies the lines read before).
        case textLines
        case json(depth: Int, inString: Bool, escaped: Bool)
        case garbage
        /// Discarding an oversized text request up to its empty line.
        case skippingText(lastLineEmpty: Bool)
        case skippingJSON(depth: Int, inString: Bool, escaped: Bool)
    }

    public let maximumRequestBytes: Int
    private var state: State = .idle
    private var line: [UInt8] = []
    private var document: [UInt8] = []
    private var requestBytes = 0
    private var header = SERTextHeader.none
    private var lines: [String] = []
    private var uac: UACFraming?

    public init(maximumRequestBytes: Int = 1 << 20) {
        self.maximumRequestBytes = maximumRequestBytes
    }

    /// True while a request is half-read (the owner's idle timer should run).
    public var hasPending: Bool {
        if case .idle = state { return false }
        return true
    }

    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for byte in bytes { step(byte, &events) }
        return events
    }

    /// The pipe stayed idle with a request unfinished: it is given up.
    public mutating func expire() -> [Event] {
        defer { reset() }
        switch state {
        case .idle, .garbage, .skippingText, .skippingJSON:
            return []
        case .textHeader:
            let header = SERTextHeader(line: line)
            return [.refused(Refusal(kind: .text, replyName: header?.replyName, reason: "request not terminated by an empty line"))]
        case .textLines:
            return [.refused(Refusal(kind: .text, replyName: header.replyName, reason: "request not terminated by an empty line"))]
        case .json:
            return [.refused(Refusal(kind: .json, replyName: ReplyNameProbe.find(in: document), reason: "incomplete JSON document"))]
        }
    }

    private mutating func reset() {
        state = .idle
        line.removeAll(keepingCapacity: true)
        document.removeAll(keepingCapacity: true)
        lines.removeAll()
        uac = nil
        requestBytes = 0
    }

    private mutating func step(_ byte: UInt8, _ events: inout [Event]) {
        switch state {
        case .idle:
            switch byte {
            case 0x20, 0x09, 0x0D, 0x0A:
                return
            case UInt8(ascii: ":"):
                state = .textHeader
                line = [byte]
                requestBytes = 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                state = .json(depth: 1, inString: false, escaped: false)
                document = [byte]
                requestBytes = 1
            default:
                state = .garbage
                line = [byte]
            }

        case .garbage:
            if byte == 0x0A {
                events.append(.garbage(Self.trimmedLine(line)))
                reset()
            } else if line.count < 256 {
                line.append(byte)
            }

        case .textHeader:
            requestBytes += 1
            if byte == 0x0A {
                guard let header = SERTextHeader(line: line) else {
                    // SER consumed a malformed request without answering; so does Tern.
                    events.append(.garbage(Self.trimmedLine(line)))
                    line.removeAll(keepingCapacity: true)
                    state = .skippingText(lastLineEmpty: false)
                    return
                }
                line.removeAll(keepingCapacity: true)
                begin(header)
            } else if requestBytes > maximumRequestBytes {
                events.append(.refused(Refusal(kind: .text, replyName: SERTextHeader(line: line)?.replyName, reason: "request too large")))
                line.removeAll(keepingCapacity: true)
                state = .skippingText(lastLineEmpty: false)
            } else {
                line.append(byte)
            }

        case .textLines:
            requestBytes += 1
            if requestBytes > maximumRequestBytes {
                events.append(.refused(Refusal(kind: .text, replyName: header.replyName, reason: "request too large")))
                line.removeAll(keepingCapacity: true)
                lines.removeAll()
                state = .skippingText(lastLineEmpty: byte == 0x0A)
                return
            }
            guard byte == 0x0A else {
                line.append(byte)
                return
            }
            let text = Self.trimmedLine(line)
            let next = SERTextHeader(line: line)
            line.removeAll(keepingCapacity: true)
            if let next, next.looksLikeRequestStart {
                // Another request began before this one ended: its writer never finished
                // it. Refuse it rather than feed it the next request's lines.
                events.append(.refused(Refusal(kind: .text, replyName: header.replyName, reason: "request not terminated by an empty line")))
                begin(next)
                requestBytes = text.utf8.count + 1
                return
            }
            if uac != nil {
                // t_uac_dlg/t_uac_from keep their "." and empty lines: they delimit the
                // headers and the body, and the body's "." ends the request.
                lines.append(text)
                if uac?.take(text) == true { finishText(&events) }
            } else if text.isEmpty {
                finishText(&events)
            } else {
                lines.append(text)
            }

        case .json(var depth, var inString, var escaped):
            requestBytes += 1
            if requestBytes > maximumRequestBytes {
                events.append(.refused(Refusal(kind: .json, replyName: ReplyNameProbe.find(in: document), reason: "request too large")))
                document.removeAll(keepingCapacity: true)
                Self.track(byte, depth: &depth, inString: &inString, escaped: &escaped)
                state = depth == 0 ? .idle : .skippingJSON(depth: depth, inString: inString, escaped: escaped)
                if depth == 0 { reset() }
                return
            }
            document.append(byte)
            Self.track(byte, depth: &depth, inString: &inString, escaped: &escaped)
            if depth == 0 {
                events.append(.json(document))
                reset()
            } else {
                state = .json(depth: depth, inString: inString, escaped: escaped)
            }

        case .skippingText(let lastLineEmpty):
            if byte == 0x0A {
                if lastLineEmpty { reset() } else { state = .skippingText(lastLineEmpty: true) }
            } else if byte != 0x0D {
                state = .skippingText(lastLineEmpty: false)
            }

        case .skippingJSON(var depth, var inString, var escaped):
            Self.track(byte, depth: &depth, inString: &inString, escaped: &escaped)
            if depth == 0 { reset() } else { state = .skippingJSON(depth: depth, inString: inString, escaped: escaped) }
        }
    }

    private mutating func begin(_ next: SERTextHeader) {
        header = next
        lines.removeAll()
        uac = UACFraming(command: next.command)
        state = .textLines
    }

    private mutating func finishText(_ events: inout [Event]) {
        events.append(.text(SERTextRequest(command: header.command, replyName: header.replyName, lines: lines)))
        reset()
    }

    /// Follows JSON nesting outside strings, so a document's end is found without parsing it.
    private static func track(_ byte: UInt8, depth: inout Int, inString: inout Bool, escaped: inout Bool) {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            return
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
        default: break
        }
    }

    /// SER trimmed trailing CR, LF, spaces and tabs from every line.
    private static func trimmedLine(_ bytes: [UInt8]) -> String {
        var end = bytes.count
        while end > 0, [0x0D, 0x20, 0x09].contains(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }

}

/// SER's transaction commands read a fixed number of lines (method, URIs), header lines
/// up to a "." or empty line, then body lines up to a "." — that last line ends the
/// request, with or without an empty line after it (the seed's send_im script has none).
struct UACFraming: Sendable {
    private enum Phase: Sendable { case fixed(Int), headers, body }
    private var phase: Phase

    init?(command: String) {
        switch command.lowercased() {
        case "t_uac_dlg", "t_uac_from", "t_uac": phase = .fixed(3)
        default: return nil
        }
    }

    /// Takes one line; true when it ended the request.
    mutating func take(_ line: String) -> Bool {
        switch phase {
        case .fixed(let remaining):
            phase = remaining > 1 ? .fixed(remaining - 1) : .headers
            return false
        case .headers:
            if line == "." || line.isEmpty { phase = .body }
            return false
        case .body:
            return line == "."
        }
    }
}

/// The first line of a text request: `:command:reply_name`.
struct SERTextHeader: Sendable, Equatable {
    var command: String
    var replyName: String

    static let none = SERTextHeader(command: "", replyName: "")

    init(command: String, replyName: String) {
        self.command = command
        self.replyName = replyName
    }

    init?(line: [UInt8]) {
        var end = line.count
        while end > 0, [0x0D, 0x20, 0x09].contains(line[end - 1]) { end -= 1 }
        guard end >= 3, line[0] == UInt8(ascii: ":"),
              let second = line[1..<end].firstIndex(of: UInt8(ascii: ":")), second > 1
        else { return nil }
        command = String(decoding: line[1..<second], as: UTF8.self)
        replyName = String(decoding: line[(second + 1)..<end], as: UTF8.self)
    }

    /// True for a line shaped like a request's first line (a command name of word
    /// characters and a reply name without spaces) — no header or body line looks so.
    var looksLikeRequestStart: Bool {
        let word: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
        return command.allSatisfy(word) && replyName.allSatisfy { word($0) || $0 == "/" }
    }
}

/// Finds `"reply_name": "…"` in a JSON request that could not be parsed, so even a broken
/// request gets its error on the client's reply FIFO.
enum ReplyNameProbe {
    static func find(in bytes: [UInt8]) -> String? {
        let key = Array("\"reply_name\"".utf8)
        guard bytes.count >= key.count else { return nil }
        var index = 0
        while index + key.count <= bytes.count {
            if bytes[index] == key[0], bytes[index..<index + key.count].elementsEqual(key) {
                var cursor = index + key.count
                while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[cursor]) { cursor += 1 }
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") else { return nil }
                cursor += 1
                while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[cursor]) { cursor += 1 }
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else { return nil }
                cursor += 1
                var name: [UInt8] = []
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\""), name.count < 256 {
                    name.append(bytes[cursor])
                    cursor += 1
                }
                guard cursor < bytes.count else { return nil }
                return String(decoding: name, as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}
