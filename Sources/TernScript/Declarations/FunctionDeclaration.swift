/// A compiled function call: runs the function on a message. Returns >0 for true/success,
/// <0 for false/failure, 0 to stop the script.
public typealias CompiledCall = (ScriptContext) -> Int

/// How the script compiler treats one argument before handing it to a function's compile
/// closure (the checks Kamailio's fixups make at load time).
public enum ArgumentKind: Sendable, Equatable {
    /// A string in which pseudo-variables are expanded (`"$rU@$rd"`); an unknown
    /// pseudo-variable is a config error. The default for every argument.
    case format
    /// Text taken as written; `$` has no special meaning (`t_on_failure("1")`).
    case literal
    /// An integer, or a string that holds one; other constants are a config error.
    case integer
    /// The name of a writable pseudo-variable, written as a string (`"$var(result)"`).
    case pseudoVariable
}

/// A function the script can call: a core function or one exported by a module.
public struct FunctionDeclaration: Sendable {
    public var name: String
    public var argumentCounts: ClosedRange<Int>
    /// The routes the function may be used in. `.request` implies event routes too.
    public var routeTypes: RouteTypes
    /// The kind of each argument; missing entries are `.format`.
    public var argumentKinds: [ArgumentKind]
    /// Called once at load time with the arguments as written; returns the call to run per
    /// message, or throws a Diagnostic for a bad argument (reported at its location).
    public var compile: @Sendable (_ args: [ScriptArgument], _ at: SourceLocation) throws(Diagnostic) -> CompiledCall

    public init(
        name: String, argumentCounts: ClosedRange<Int>, routeTypes: RouteTypes,
        compile: @escaping @Sendable (_ args: [ScriptArgument], _ at: SourceLocation) throws(Diagnostic) -> CompiledCall
    ) {
        self.init(name: name, argumentCounts: argumentCounts, routeTypes: routeTypes, argumentKinds: [], compile: compile)
    }

    public init(
        name: String, argumentCounts: ClosedRange<Int>, routeTypes: RouteTypes, argumentKinds: [ArgumentKind],
        compile: @escaping @Sendable (_ args: [ScriptArgument], _ at: SourceLocation) throws(Diagnostic) -> CompiledCall
    ) {
        self.name = name
        self.argumentCounts = argumentCounts
        self.routeTypes = routeTypes
        self.argumentKinds = argumentKinds
        self.compile = compile
    }

    func kind(ofArgument index: Int) -> ArgumentKind {
        index < argumentKinds.count ? argumentKinds[index] : .format
    }

    var arityDescription: String {
        let lo = argumentCounts.lowerBound
        let hi = argumentCounts.upperBound
        func args(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        if lo == hi { return args(lo) }
        if hi - lo == 1 { return "\(lo) or \(args(hi))" }
        return "\(lo) to \(args(hi))"
    }
}

/// The type of a module parameter (Kamailio's PARAM_INT / PARAM_STRING / both).
public enum ParameterType: Sendable {
    case int, string, intOrString
}

/// One `modparam` a module accepts.
public struct ParameterDeclaration: Sendable {
    public var name: String
    public var type: ParameterType
    /// May be given several times, each adding a value (htable's `htable`, mqueue's `mqueue`).
    public var repeatable: Bool

    public init(name: String, type: ParameterType, repeatable: Bool = false) {
        self.name = name
        self.type = type
        self.repeatable = repeatable
    }
}

/// What a module offers the script: the parameters, functions and pseudo-variables it declares.
public struct ModuleDeclaration: Sendable {
    public var name: String
    public var parameters: [ParameterDeclaration]
    public var functions: [FunctionDeclaration]
    public var pseudoVariables: [PseudoVariableDeclaration]
    public var transformations: [TransformationDeclaration]

    public init(
        name: String, parameters: [ParameterDeclaration] = [], functions: [FunctionDeclaration] = [],
        pseudoVariables: [PseudoVariableDeclaration] = [], transformations: [TransformationDeclaration] = []
    ) {
        self.name = name
        self.parameters = parameters
        self.functions = functions
        self.pseudoVariables = pseudoVariables
        self.transformations = transformations
    }
}

/// Everything the config can refer to besides the language itself: the modules that exist
/// (loaded or not, so a missing `loadmodule` gets a precise message), the core functions, and
/// extra core pseudo-variables the runtime provides.
public struct ScriptSymbols: Sendable {
    public var availableModules: [ModuleDeclaration]
    public var coreFunctions: [FunctionDeclaration]
    /// Pseudo-variables the runtime adds to TernScript's own (always available).
    public var corePseudoVariables: [PseudoVariableDeclaration]

    public init(
        availableModules: [ModuleDeclaration], coreFunctions: [FunctionDeclaration],
        corePseudoVariables: [PseudoVariableDeclaration] = []
    ) {
        self.availableModules = availableModules
        self.coreFunctions = coreFunctions
        self.corePseudoVariables = corePseudoVariables
    }
}
