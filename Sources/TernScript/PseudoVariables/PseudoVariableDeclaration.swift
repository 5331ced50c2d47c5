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
///
/// The per-message closures (`get`, `view`, `assign`) are stored as plain closures: a closure
/// kept in an Optional is stored in its most general form, and every call then goes through a
/// conversion thunk. The initialisers taking a non-optional `set:` keep it that way.
public struct PseudoVariableAccessors {
    public var get: (ScriptContext) -> ScriptValue
    /// Reads the value without copying it (see ScriptValueView).
    public var view: (ScriptContext) -> ScriptValueView
    /// The setter; a no-op when `isWritable` is false. Assigning `$null` passes `.null`.
    public var assign: (ScriptContext, ScriptValue) -> Void
    public var isWritable: Bool
    /// For pseudo-variables that take an index (`$(hdr(Via)[1])`).
    public var getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)?
    /// For pseudo-variables whose index also selects what an assignment changes
    /// (`$(avp(x)[*]) = $null` removes every value).
    public var setIndexed: ((ScriptContext, PseudoVariableIndex, ScriptValue) -> Void)?

    /// A read-only pseudo-variable.
    public init(get: @escaping (ScriptContext) -> ScriptValue, getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)? = nil) {
        self.get = get
        self.view = { ScriptValueView(get($0)) }
        self.assign = { _, _ in }
        self.isWritable = false
        self.getIndexed = getIndexed
        self.setIndexed = nil
    }

    public init(
        get: @escaping (ScriptContext) -> ScriptValue, set: @escaping (ScriptContext, ScriptValue) -> Void,
        getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)? = nil
    ) {
        self.get = get
        self.view = { ScriptValueView(get($0)) }
        self.assign = set
        self.isWritable = true
        self.getIndexed = getIndexed
        self.setIndexed = nil
    }

    /// A read-only value that lives in the message or in stored text: `get` is derived from `view`.
    public init(view: @escaping (ScriptContext) -> ScriptValueView, getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)? = nil) {
        self.get = { view($0).value }
        self.view = view
        self.assign = { _, _ in }
        self.isWritable = false
        self.getIndexed = getIndexed
        self.setIndexed = nil
    }

    public init(
        view: @escaping (ScriptContext) -> ScriptValueView, set: @escaping (ScriptContext, ScriptValue) -> Void,
        getIndexed: ((ScriptContext, PseudoVariableIndex) -> ScriptValue)? = nil,
        setIndexed: ((ScriptContext, PseudoVariableIndex, ScriptValue) -> Void)? = nil
    ) {
        self.get = { view($0).value }
        self.view = view
        self.assign = set
        self.isWritable = true
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
    /// The setter (a no-op when `isWritable` is false).
    let assign: (ScriptContext, ScriptValue) -> Void
    public let isWritable: Bool
    /// A value with transformations prints an empty text, not `<null>`, when a transformation
    /// fails (Kamailio 5.6.3 prints nothing for `$(var(x){s.int})` of "abc").
    let nullPrintsEmpty: Bool

    init(text: String, location: SourceLocation, getter: @escaping (ScriptContext) -> ScriptValue,
         viewer: @escaping (ScriptContext) -> ScriptValueView, assign: @escaping (ScriptContext, ScriptValue) -> Void,
         isWritable: Bool, nullPrintsEmpty: Bool = false) {
        self.text = text
        self.location = location
        self.getter = getter
        self.viewer = viewer
        self.assign = assign
        self.isWritable = isWritable
        self.nullPrintsEmpty = nullPrintsEmpty
    }

    @inline(__always) public func get(_ ctx: ScriptContext) -> ScriptValue { getter(ctx) }

    /// The value without copying it out of the message (see ScriptValueView).
    @inline(__always) public func view(_ ctx: ScriptContext) -> ScriptValueView { viewer(ctx) }

    /// Returns false when the pseudo-variable is read-only.
    @discardableResult
    public func set(_ ctx: ScriptContext, _ value: ScriptValue) -> Bool {
        guard isWritable else { return false }
        assign(ctx, value)
        return true
    }
}
