/// One message about a configuration: where, what, and optionally how to fix it.
///
/// Rendered like a compiler message:
/// ```
/// route.cfg:12:5: error: unknown function 'sl_send_replyy'
///     sl_send_replyy("200", "OK");
///     ^
/// hint: did you mean 'sl_send_reply'?
/// ```
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Severity: Sendable {
        case error, warning, note

        var label: String {
            switch self {
            case .error: return "error"
            case .warning: return "warning"
            case .note: return "note"
            }
        }
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var hint: String?
    /// The text of the line `location` points into; filled in by the loader that read the file.
    public var sourceLine: String?
    /// Further messages that belong to this one (e.g. where a duplicate was first defined).
    public var notes: [Diagnostic]

    public init(
        _ severity: Severity = .error, at location: SourceLocation, _ message: String,
        hint: String? = nil, notes: [Diagnostic] = []
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
        self.sourceLine = nil
        self.notes = notes
    }

    public static func error(_ message: String, at location: SourceLocation, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, at: location, message, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, at: location, message, hint: hint)
    }

    public var isError: Bool { severity == .error }

    /// The one-line form, without source line, caret or hint.
    public var summary: String {
        "\(location): \(severity.label): \(message)"
    }

    public var description: String {
        var out = summary
        if let line = sourceLine, location.line > 0 {
            out += "\n" + line + "\n" + Diagnostic.caretLine(for: line, column: location.column)
        }
        if let hint {
            out += "\nhint: " + hint
        }
        for note in notes {
            out += "\n" + note.description
        }
        return out
    }

    /// Spaces (tabs kept, so the caret lines up under tab-indented text) up to the column, then '^'.
    static func caretLine(for line: String, column: Int) -> String {
        var prefix = ""
        var count = 1
        for ch in line {
            if count >= column { break }
            prefix.append(ch == "\t" ? "\t" : " ")
            count += 1
        }
        return prefix + "^"
    }
}

/// Every diagnostic of one load: all the errors found (the loader does not stop at the first
/// one) and the warnings.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
