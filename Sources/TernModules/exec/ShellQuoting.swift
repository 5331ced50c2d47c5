/// Where a point of a `/bin/sh -c` command line lies in shell syntax: inside which quotes,
/// how many backquote substitutions deep, in a comment, after a backslash, after `<<`.
struct ShellPosition: Equatable {
    enum Quote: Equatable { case none, single, double }

    var quote: Quote = .none
    /// Enclosing backquote substitutions: their text is unescaped once per level before it runs.
    var backquoteDepth = 0
    var inComment = false
    /// The previous character was an unquoted backslash: it would escape what comes next.
    var afterBackslash = false
    /// A here-document was opened earlier in the line: its body is expanded by rules quoting
    /// cannot protect against.
    var afterHereDocument = false
}

/// Follows the command's literal text through shell syntax (POSIX sh, as dash and bash read
/// it): a state machine fed byte by byte, with a stack for `$( … )` and backquote
/// substitutions, each of which starts a fresh quoting context.
struct ShellSyntaxTracker {
    private struct Frame {
        var quote: ShellPosition.Quote = .none
        var isBackquote = false
        /// Plain `(` opened in this frame, so its `)` does not end a `$(`.
        var parentheses = 0
        var inComment = false
        var atWordStart = true
    }

    private var frames: [Frame] = [Frame()]
    private var escaped = false
    private var previous: UInt8 = 0
    private var sawHereDocument = false

    var position: ShellPosition {
        let top = frames[frames.count - 1]
        return ShellPosition(quote: top.quote, backquoteDepth: frames.reduce(0) { $0 + ($1.isBackquote ? 1 : 0) },
                             inComment: top.inComment, afterBackslash: escaped, afterHereDocument: sawHereDocument)
    }

    mutating func feed<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { feed(b) }
    }

    mutating func feed(_ b: UInt8) {
        // An escaped `$` does not start `$(`.
        var recorded = b
        defer { previous = recorded }
        var top = frames.removeLast()
        var opened: Frame? = nil
        var closed = false
        defer {
            if closed {
                frames[frames.count - 1].atWordStart = false
            } else {
                frames.append(top)
                if let opened { frames.append(opened) }
            }
        }
        if top.inComment {
            if b == UInt8(ascii: "\n") {
                top.inComment = false
                top.atWordStart = true
            }
            return
        }
        if escaped {
            escaped = false
            top.atWordStart = false
            recorded = 0
            return
        }
        // The end of a backquote substitution is found before quotes are looked at.
        if b == UInt8(ascii: "`"), top.isBackquote, !frames.isEmpty {
            closed = true
            return
        }
        switch top.quote {
        case .single:
            if b == UInt8(ascii: "'") { top.quote = .none }
        case .double:
            switch b {
            case UInt8(ascii: "\""): top.quote = .none
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "`"): opened = Frame(isBackquote: true)
            case UInt8(ascii: "("):
                if previous == UInt8(ascii: "$") { opened = Frame() }
            default: break
            }
        case .none:
            let wordStart = top.atWordStart
            top.atWordStart = Self.endsWord(b)
            switch b {
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "'"): top.quote = .single
            case UInt8(ascii: "\""): top.quote = .double
            case UInt8(ascii: "#"):
                if wordStart { top.inComment = true }
            case UInt8(ascii: "`"): opened = Frame(isBackquote: true)
            case UInt8(ascii: "<"):
                if previous == UInt8(ascii: "<") { sawHereDocument = true }
            case UInt8(ascii: "("):
                if previous == UInt8(ascii: "$") { opened = Frame() } else { top.parentheses += 1 }
            case UInt8(ascii: ")"):
                if top.parentheses > 0 {
                    top.parentheses -= 1
                } else if !frames.isEmpty, !top.isBackquote {
                    closed = true
                }
            default: break
            }
        }
    }

    private static func endsWord(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: ";"), UInt8(ascii: "|"),
             UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            return true
        default:
            return false
        }
    }
}

/// Writes a value into a command line so the shell reads it back as exactly its bytes, one
/// word, nothing expanded or run: outside quotes as a single-quoted word (`'it'\''s'`), inside
/// single quotes by closing and reopening them, inside double quotes with `\` before `\ " $ ``,
/// and once more escaped per enclosing backquote level. In a comment the value is left out
/// (it would change nothing, but a newline in it would end the comment). NUL bytes cannot
/// be passed to a program and are dropped.
enum ShellQuoting {
    static func append(_ value: UnsafeBufferPointer<UInt8>, at position: ShellPosition, to out: inout [UInt8]) {
        if position.inComment { return }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(value.count + 8)
        switch position.quote {
        case .none:
            encoded.append(UInt8(ascii: "'"))
            appendSingleQuoted(value, to: &encoded)
            encoded.append(UInt8(ascii: "'"))
        case .single:
            appendSingleQuoted(value, to: &encoded)
        case .double:
            for b in value where b != 0 {
                if b == UInt8(ascii: "\\") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "$") || b == UInt8(ascii: "`") {
                    encoded.append(UInt8(ascii: "\\"))
                }
                encoded.append(b)
            }
        }
        for _ in 0..<position.backquoteDepth {
            var layered: [UInt8] = []
            layered.reserveCapacity(encoded.count + 8)
            for b in encoded {
                if b == UInt8(ascii: "\\") || b == UInt8(ascii: "$") || b == UInt8(ascii: "`") {
                    layered.append(UInt8(ascii: "\\"))
                }
                layered.append(b)
            }
            encoded = layered
        }
        out.append(contentsOf: encoded)
    }

    private static func appendSingleQuoted(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for b in value where b != 0 {
            if b == UInt8(ascii: "'") {
                out.append(contentsOf: [UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "'")])
            } else {
                out.append(b)
            }
        }
    }

    static func append(_ value: [UInt8], at position: ShellPosition, to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { append($0, at: position, to: &out) }
    }
}
