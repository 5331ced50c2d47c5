/// Modules a config loads that Kamailio has and Tern does not have yet. Their `loadmodule`
/// line is the one error reported for them: the names such a module would have brought
/// (functions, pseudo-variables, transformations, parameters) are not reported again as
/// unknown, since the checker cannot tell them from the module's real exports.
extension ScriptCompiler {
    /// Loaded by the config, known to Kamailio, not built into Tern.
    var pendingModuleNames: [String] {
        let built = Set(loadedModules.map(\.name))
        return loadedModuleLocations.keys.filter { !built.contains($0) }.sorted()
    }

    /// True for an unknown-name error while a pending module is loaded: that module may be
    /// what exports the name.
    func isExplainedByPendingModule(_ d: Diagnostic) -> Bool {
        guard d.isError, !pendingModuleNames.isEmpty else { return false }
        return Self.unknownNamePrefixes.contains { d.message.hasPrefix($0) }
    }

    /// How the checker words "this name is not in scope" for functions, pseudo-variables and
    /// transformations.
    static let unknownNamePrefixes = ["unknown function '", "unknown pseudo-variable '", "unknown transformation '"]

    /// True when a modparam's module name (or pattern) names a pending module, which may be
    /// the one that has the parameter.
    func matchesPendingModule(_ written: String) -> Bool {
        let pending = pendingModuleNames
        guard !pending.isEmpty else { return false }
        guard ScriptCompiler.looksLikeRegex(written) else { return pending.contains(written) }
        guard let regex = try? POSIXRegex("^(" + written + ")$", caseInsensitive: false) else { return false }
        return pending.contains(where: regex.matches)
    }
}
