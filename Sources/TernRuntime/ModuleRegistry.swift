import TernScript

/// Every module Tern has built in, instantiated once. The script checker sees all of their
/// declarations (so it can say "exported by module X, which is not loaded"); only the
/// modules the config loads are configured and started.
public final class ModuleRegistry: @unchecked Sendable {
    public let modules: [TernModule]
    private let byName: [String: TernModule]

    public init(_ descriptors: [ModuleDescriptor]) {
        let modules = descriptors.map { $0.make() }
        self.modules = modules
        self.byName = Dictionary(modules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func module(named name: String) -> TernModule? { byName[name] }

    public func symbols(coreFunctions: [FunctionDeclaration]) -> ScriptSymbols {
        ScriptSymbols(availableModules: modules.map(\.declaration), coreFunctions: coreFunctions)
    }
}
