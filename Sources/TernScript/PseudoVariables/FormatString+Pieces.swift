// For modules whose argument is not expanded as plain text: exec rewrites its command before
// compiling it (`$SIP_…` is left for the shell) and encodes each substituted value for the
// shell, so it needs the argument's compile environment and the format's pieces.

extension ScriptArgument {
    /// Compiles `text` (this argument's text as rewritten by the function) as a format string,
    /// with this argument's pseudo-variables and location for errors.
    public func compileFormat(_ text: String) throws(Diagnostic) -> FormatString {
        try environment.compileFormat(text, at: location)
    }

    /// Binds a pseudo-variable written as text (`$avp(x)`) where this argument is.
    public func bindPseudoVariable(_ text: String) throws(Diagnostic) -> PseudoVariableReference {
        try environment.bindPseudoVariable(text: text, at: location)
    }
}

extension FormatString {
    /// The format's pieces in order: the text of each literal piece, nil for each
    /// pseudo-variable (for modules that check, at load time, where values will land).
    public var pieceTexts: [String?] {
        segments.map { s in
            if case .text(let t) = s { return t }
            return nil
        }
    }

    /// Walks the expanded format in order: literal bytes to `literal`, each pseudo-variable's
    /// value (a null as `<null>`, or nothing where the format prints it empty) to `value`.
    public func forEachPiece(_ ctx: ScriptContext, literal: (UnsafeBufferPointer<UInt8>) -> Void,
                             value: (UnsafeBufferPointer<UInt8>) -> Void) {
        for s in segments {
            switch s {
            case .text(var text):
                text.withUTF8(literal)
            case .value(let pv):
                let view = pv.view(ctx)
                if view.isNull {
                    if pv.nullPrintsEmpty {
                        value(UnsafeBufferPointer(start: nil, count: 0))
                    } else {
                        FormatString.nullText.withUnsafeBufferPointer(value)
                    }
                } else {
                    view.withUTF8(value)
                }
            }
        }
    }
}
