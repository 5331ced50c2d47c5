/// Collects diagnostics from every phase of one load, in the order they were found.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    var errorCount: Int { diagnostics.reduce(0) { $0 + ($1.isError ? 1 : 0) } }
    var hasErrors: Bool { diagnostics.contains(where: \.isError) }

    /// Past this many errors the rest are dropped (a binary file would give one per byte).
    static let errorLimit = 200
    private var errors = 0

    func report(_ d: Diagnostic) {
        if d.isError {
            errors += 1
            if errors == DiagnosticSink.errorLimit + 1 {
                diagnostics.append(.error("too many errors; the rest are not shown", at: d.location))
            }
            if errors > DiagnosticSink.errorLimit { return }
        }
        diagnostics.append(d)
    }

    func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        report(.error(message, at: location, hint: hint))
    }

    func warning(_ message: String, at location: SourceLocation, hint: String? = nil) {
        report(.warning(message, at: location, hint: hint))
    }
}
