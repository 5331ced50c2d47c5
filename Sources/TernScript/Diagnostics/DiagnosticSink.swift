/// Collects diagnostics from every phase of one load, in the order they were found.
final class DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    var errorCount: Int { diagnostics.reduce(0) { $0 + ($1.isError ? 1 : 0) } }
    var hasErrors: Bool { diagnostics.contains(where: \.isError) }

    func report(_ d: Diagnostic) {
        diagnostics.append(d)
    }

    func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        report(.error(message, at: location, hint: hint))
    }

    func warning(_ message: String, at location: SourceLocation, hint: String? = nil) {
        report(.warning(message, at: location, hint: hint))
    }
}
