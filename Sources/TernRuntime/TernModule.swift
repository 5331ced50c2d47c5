import SIPCore
import TernScript

/// A built-in module. One instance per server; its script declaration (functions,
/// parameters, pseudo-variables) is the single source the checker, the RPC registry and
/// the docs are derived from. Function bodies capture the instance, so settings applied in
/// `configure` are seen at run time.
public protocol TernModule: AnyObject, Sendable {
    /// The module's name as configs load it (`loadmodule "sl.so"` → "sl").
    var name: String { get }
    var declaration: ModuleDeclaration { get }
    /// Applies the config's `modparam` values (already type-checked) and the core settings.
    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError)
    /// Called once the transports are up and before the first message.
    func start(services: RuntimeServices) throws(ConfigurationError)
    func stop()
    /// Management commands the module serves (registered before `start`).
    var rpcCommands: [RPCCommand] { get }
}

extension TernModule {
    public func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {}
    public func start(services: RuntimeServices) throws(ConfigurationError) {}
    public func stop() {}
    public var rpcCommands: [RPCCommand] { [] }
}

/// How the server learns of a module without instantiating it twice.
public struct ModuleDescriptor: Sendable {
    public var name: String
    public var make: @Sendable () -> TernModule
    public init(name: String, make: @escaping @Sendable () -> TernModule) {
        self.name = name
        self.make = make
    }
}
