/// Loads a configuration: preprocess, parse, check and compile. Every error found is returned
/// (not only the first), each with its file:line:column and source line, in file order.
public enum ConfigLoader {
    public static func load(_ request: ConfigLoadRequest, symbols: ScriptSymbols) -> Result<LoadedConfig, DiagnosticList> {
        load(request, symbols: symbols, provider: FileSystemSourceProvider())
    }

    public static func load(_ request: ConfigLoadRequest, symbols: ScriptSymbols, provider: SourceProvider) -> Result<LoadedConfig, DiagnosticList> {
        let sink = DiagnosticSink()
        let preprocessor = Preprocessor(provider: provider, sink: sink)
        for d in request.defines {
            preprocessor.defineFromCommandLine(name: d.name, value: d.value)
        }
        guard preprocessor.start(mainFile: request.path) else {
            return .failure(DiagnosticList(sink.diagnostics))
        }
        let parser = Parser(preprocessor: preprocessor, sink: sink)
        let ast = parser.parseFile()
        let compiler = ScriptCompiler(symbols: symbols, sink: sink)
        let script = compiler.compile(ast)

        let diagnostics = finish(sink.diagnostics, preprocessor: preprocessor)
        if diagnostics.contains(where: \.isError) {
            return .failure(DiagnosticList(diagnostics))
        }
        return .success(LoadedConfig(
            globals: compiler.globals, modules: compiler.moduleLoads, moduleParameters: compiler.moduleParameters,
            script: script, warnings: diagnostics, compatibility: preprocessor.compatibility))
    }

    /// Preprocesses and parses only (no names are checked): the syntax tree and the syntax errors.
    static func parse(_ request: ConfigLoadRequest, provider: SourceProvider) -> (ConfigAST, [Diagnostic]) {
        let sink = DiagnosticSink()
        let preprocessor = Preprocessor(provider: provider, sink: sink)
        for d in request.defines {
            preprocessor.defineFromCommandLine(name: d.name, value: d.value)
        }
        guard preprocessor.start(mainFile: request.path) else { return (ConfigAST(), sink.diagnostics) }
        let ast = Parser(preprocessor: preprocessor, sink: sink).parseFile()
        return (ast, finish(sink.diagnostics, preprocessor: preprocessor))
    }

    /// Attaches source lines and puts the diagnostics in file order (files in the order they
    /// were read, then line and column).
    static func finish(_ diagnostics: [Diagnostic], preprocessor: Preprocessor) -> [Diagnostic] {
        var fileIndex: [String: Int] = [:]
        for (i, f) in preprocessor.fileOrder.enumerated() { fileIndex[f] = i }
        func attach(_ d: Diagnostic) -> Diagnostic {
            var d = d
            if d.sourceLine == nil { d.sourceLine = preprocessor.sourceLine(d.location) }
            d.notes = d.notes.map(attach)
            return d
        }
        let attached = diagnostics.map(attach).enumerated().map { ($0.offset, $0.element) }
        return attached.sorted { a, b in
            let fa = fileIndex[a.1.location.file] ?? -1
            let fb = fileIndex[b.1.location.file] ?? -1
            if fa != fb { return fa < fb }
            if a.1.location.line != b.1.location.line { return a.1.location.line < b.1.location.line }
            if a.1.location.column != b.1.location.column { return a.1.location.column < b.1.location.column }
            return a.0 < b.0
        }.map(\.1)
    }
}
