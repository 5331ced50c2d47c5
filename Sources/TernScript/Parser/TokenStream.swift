/// The preprocessed tokens with as much lookahead as the parser asks for.
struct TokenStream {
    private let preprocessor: Preprocessor
    private var buffer: [Token] = []
    private var head = 0
    /// The token consumed last (for "expected ';' after ..." locations).
    private(set) var previous: Token
    /// How many tokens have been consumed (to make sure error recovery moves on).
    private(set) var consumed = 0

    init(_ preprocessor: Preprocessor) {
        self.preprocessor = preprocessor
        self.previous = Token(.endOfFile, "", at: SourceLocation(file: "", line: 0, column: 0))
    }

    mutating func peek(_ offset: Int = 0) -> Token {
        while buffer.count - head <= offset {
            let t = preprocessor.next()
            buffer.append(t)
            if t.kind == .endOfFile { break }
        }
        let i = head + offset
        return i < buffer.count ? buffer[i] : buffer[buffer.count - 1]
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = peek()
        if t.kind != .endOfFile {
            head += 1
            consumed += 1
        }
        previous = t
        if head > 64 {
            buffer.removeFirst(head)
            head = 0
        }
        return t
    }

    var atEnd: Bool {
        mutating get { peek().kind == .endOfFile }
    }
}
