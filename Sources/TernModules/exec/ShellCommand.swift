import TernScript

/// An exec function's command as compiled from the script. Pseudo-variables are expanded per
/// message; `$SIP_…` and `${SIP_…}` are left for the shell, which finds them in the
/// environment (the seed's `exec_msg("echo … $SIP_HF_FROM | mail …")`). With quoting on
/// (`quote_pvs=1`, the default) every substituted value reaches the shell as exactly its
/// bytes (ShellQuoting), however it is written; where the text around a value makes that
/// impossible (right after a backslash, or after a here-document `<<`) the call fails.
struct ShellCommand {
    private enum Source {
        case format(FormatString, positions: [ShellPosition])
        /// The whole command comes from an expression (`exec_msg($var(cmd))`): it is the
        /// command, not a value put into one.
        case expression(ScriptArgument)
    }

    private let source: Source
    /// Where text appended after the command lands (exec_dset's R-URI).
    let endPosition: ShellPosition
    /// exec_dset appends the R-URI: the end of the command must take a value too.
    let appendsArgument: Bool
    let location: SourceLocation

    init(_ argument: ScriptArgument, appendsArgument: Bool = false) throws(Diagnostic) {
        location = argument.location
        self.appendsArgument = appendsArgument
        guard let text = argument.literalText else {
            source = .expression(argument)
            endPosition = ShellPosition()
            return
        }
        let format = try argument.compileFormat(Self.leavingShellVariables(text))
        var tracker = ShellSyntaxTracker()
        var positions: [ShellPosition] = []
        for piece in format.pieceTexts {
            if let literal = piece {
                tracker.feed(literal.utf8)
            } else {
                positions.append(tracker.position)
            }
        }
        source = .format(format, positions: positions)
        endPosition = tracker.position
    }

    /// The first value that cannot be quoted safely, described for an error message.
    var unsafePlacement: String? {
        guard case .format(_, let positions) = source else { return nil }
        for p in positions + (appendsArgument ? [endPosition] : []) {
            if p.afterBackslash { return "a pseudo-variable right after a backslash" }
            if p.afterHereDocument && !p.inComment { return "a pseudo-variable after a here-document (<<)" }
        }
        return nil
    }

    /// The command line for this message. `appending` (exec_dset's R-URI) goes after a space,
    /// quoted like a value (Kamailio puts it in single quotes as it is).
    func expand(_ ctx: ScriptContext, quoting: Bool, appending argument: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = []
        switch source {
        case .expression(let argument):
            out = Array((argument.evaluateString(ctx) ?? "").utf8)
        case .format(let format, let positions):
            out.reserveCapacity(format.source.utf8.count + 64)
            var index = 0
            format.forEachPiece(ctx, literal: { out.append(contentsOf: $0) }, value: { value in
                if quoting, index < positions.count {
                    ShellQuoting.append(value, at: positions[index], to: &out)
                } else {
                    out.append(contentsOf: value)
                }
                index += 1
            })
        }
        if let argument {
            out.append(UInt8(ascii: " "))
            if quoting {
                ShellQuoting.append(argument, at: endPosition, to: &out)
            } else {
                out.append(UInt8(ascii: "'"))
                out.append(contentsOf: argument)
                out.append(UInt8(ascii: "'"))
            }
        }
        return out
    }

    /// `$SIP_X` → `$$SIP_X` (a literal `$` for the format string), `$$` kept as it is.
    static func leavingShellVariables(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "$")) else { return text }
        let name = Array("SIP_".utf8)
        let bracedName = Array("{SIP_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == UInt8(ascii: "$") else {
                out.append(b)
                i += 1
                continue
            }
            let rest = bytes[(i + 1)...]
            if rest.first == UInt8(ascii: "$") {
                out.append(contentsOf: [b, b])
                i += 2
            } else if rest.starts(with: name) || rest.starts(with: bracedName) {
                out.append(contentsOf: [b, b])
                i += 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
