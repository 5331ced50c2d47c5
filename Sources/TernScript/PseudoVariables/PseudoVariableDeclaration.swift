/// Declares one pseudo-variable class (`$ru`, `$var(name)`, `$hdr(name)` ...). Declarations
/// come from TernScript itself, from the runtime (ScriptSymbols.corePseudoVariables) and from
/// loaded modules (ModuleDeclaration.pseudoVariables).
///
/// `bind` runs once per pseudo-variable written in the config: it parses the inner name and
/// returns the getter (and setter, when writable) that run per message.
public struct PseudoVariableDeclaration: Sendable {
    public enum InnerName: Sendable {
        /// `$ru`
        case none
        /// `$var(x)`
        case required
        /// Either form.
        case optional
    }

    public var name: String
    public var innerName: InnerName
    public var bind: @Sendable (PseudoVariableBinding) throws(Diagnostic) -> PseudoVariableAccessors

    public init(
        name: String, innerName: InnerName = .none,
        bind: @escaping @Sendable (PseudoVariableBinding) throws(Diagnostic) -> PseudoVariableAccessors
    ) {
        self.name = name
        self.innerName = innerName
        self.bind = bind
    }

    /// A read-only pseudo-variable without an inner name.
    public init(name: String, get: @escaping @Sendable (ScriptContext) -> ScriptValue) {
        self.init(name: name, innerName: .none) { _ throws(Diagnostic) in PseudoVariableAccessors(get: get) }
    }
}

/// The request to bind one pseudo-variable as written: its class name, inner name and
/// location, with the means to compile parts of the inner name.
public struct PseudoVariableBinding {
    public var name: String
    /// The text between the parentheses, if any (`t=>$var(k)` for `$sht(t=>$var(k))`).
    public var inner: String?
    public var location: SourceLocation
    let environment: CompileEnvironment

    /// Compiles text with pseudo-variables in it (a dynamic key, for example).
    public func compileFormat(_ text: String) throws(Diagnostic) -> FormatString {
        try environment.compileFormat(text, at: location)
    }

    /// Binds another pseudo-variable written as text (`$var(i)`).
    public func bindPseudoVariable(_ text: String) throws(Diagnostic) -> PseudoVariableReference {
        try environment.bindPseudoVariable(text: text, at: location)
    }

    /// A config error at this pseudo-variable.
    public func error(_ message: String, hint: String? = nil) -> Diagnostic {
        .error(message, at: location, hint: hint)
    }
}

/// Which element of a multi-valued pseudo-variable to read: `[n]` (negative from the end) or `[*]`.
public enum PseudoVariableIndex: Sendable, Equatable {
    case position(Int)
    case all
}

/// The code behind one bound pseudo-variable.
public struct PseudoVariableAccessors {
    public var get: (ScriptContext) -> ScriptValue
    /// Reads the value without copying it (see ScriptValueView); nil means "derive it from get".
    public var view: ((ScriptContext) -> ScriptValueView)?
    /// Nil for read-only pseudo-variables. Assigning `$null` passes `.null`.
    public var set: ((ScriptContext, ScriptValue) -> Void)?
    /// For pseudo-variables that take an index (`$(hdr(Via)[1])`).
    public var getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)?
    /// For pseudo-variables whose index also selects what an assignment changes
    /// (`$(avp(x)[*]) = $null` removes every value).
    public var setIndexed: ((ScriptContext, PseudoVariableIndex, ScriptValue) -> Void)?

    public init(
        get: @escaping (ScriptContext) -> ScriptValue,
        set: ((ScriptContext, ScriptValue) -> Void)? = nil,
        getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)? = nil
    ) {
        self.get = get
        self.view = nil
        self.set = set
        self.getIndexed = getIndexed
        self.setIndexed = nil
    }

    /// For values that live in the message or in stored text: `get` is derived from `view`.
    public init(
        view: @escaping (ScriptContext) -> ScriptValueView,
        set: ((ScriptContext, ScriptValue) -> Void)? = nil,
        getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)? = nil,
        setIndexed: ((ScriptContext, PseudoVariableIndex, ScriptValue) -> Void)? = nil
    ) {
        self.get = { view($0).value }
        self.view = view
        self.set = set
        self.getIndexed = getIndexed
        self.setIndexed = setIndexed
    }
}

/// A pseudo-variable of the config, bound once at load time.
public struct PseudoVariableReference {
    /// As written (`$var(x)`).
    public let text: String
    public let location: SourceLocation
    let getter: (ScriptContext) -> ScriptValue
    let viewer: (ScriptContext) -> ScriptValueView
    let setter: ((ScriptContext, ScriptValue) -> Void)?
    /// A value with transformations prints an empty text, not `<null>`, when a transformation
    /// fails (Kamailio 5.6.3 prints nothing for `$(var(x){s.int})` of "abc").
    let nullPrintsEmpty: Bool

    init(text: String, location: SourceLocation, getter: @escaping (ScriptContext) -> ScriptValue,
         viewer: ((ScriptContext) -> ScriptValueView)? = nil,
         setter: ((ScriptContext, ScriptValue) -> Void)?, nullPrintsEmpty: Bool = false) {
        self.text = text
        self.location = location
        self.getter = getter
        self.viewer = viewer ?? { ScriptValueView(getter($0)) }
        self.setter = setter
        self.nullPrintsEmpty = nullPrintsEmpty
    }

    public var isWritable: Bool { setter != nil }

    @inline(__always) public func get(_ ctx: ScriptContext) -> ScriptValue { getter(ctx) }

    /// The value without copying it out of the message (see ScriptValueView).
    @inline(__always) public func view(_ ctx: ScriptContext) -> ScriptValueView { viewer(ctx) }

    /// Returns false when the pseudo-variable is read-only.
    @discardableResult
    public func set(_ ctx: ScriptContext, _ value: ScriptValue) -> Bool {
        guard let setter else { return false }
        setter(ctx, value)
        return true
    }
}
