import SIPCore

/// One `listen=` entry: `[proto:]host[:port] [advertise host[:port]] [name "n"]`.
public struct ListenSpec: Sendable, Equatable {
    /// Nil when no protocol was written (Kamailio then listens on UDP and TCP).
    public var proto: TransportProtocol?
    /// An IP (IPv6 without brackets), a host name, an interface name, or `*`.
    public var host: String
    public var port: Int?
    /// `advertise` address as written (`1.2.3.4:5080`).
    public var advertise: String?
    public var name: String?

    public init(proto: TransportProtocol?, host: String, port: Int?, advertise: String? = nil, name: String? = nil) {
        self.proto = proto
        self.host = host
        self.port = port
        self.advertise = advertise
        self.name = name
    }
}

/// The value of a core global parameter.
public enum GlobalValue: Sendable, Equatable {
    case int(Int)
    case string(String)
    case listen(ListenSpec)
    /// A bare word (`log_facility = LOG_LOCAL0`, `udp_mtu_try_proto = TCP`).
    case identifier(String)
}

/// One `name = value` line at the top level.
public struct GlobalSetting: Sendable {
    public var name: String
    public var value: GlobalValue
    public var location: SourceLocation
}

/// One `loadmodule` line.
public struct ModuleLoad: Sendable {
    /// The module's base name: no directory, no `.so`.
    public var name: String
    public var location: SourceLocation
}

/// One module parameter to set (regex module names already expanded to each matching module).
public struct ModuleParameterSetting: Sendable {
    public var module: String
    public var parameter: String
    public var value: ScriptValue
    public var location: SourceLocation
}

/// What to load: the main file and the command-line defines (`-A NAME[=VALUE]`).
public struct ConfigLoadRequest: Sendable {
    public var path: String
    public var defines: [(name: String, value: String?)]

    public init(path: String, defines: [(name: String, value: String?)] = []) {
        self.path = path
        self.defines = defines
    }
}

/// A configuration that loaded without errors.
public struct LoadedConfig {
    /// Core globals in file order (`listen` and `alias` may repeat).
    public var globals: [GlobalSetting]
    /// Modules in load order.
    public var modules: [ModuleLoad]
    public var moduleParameters: [ModuleParameterSetting]
    public var script: CompiledScript
    public var warnings: [Diagnostic]
    /// The header the main file started with.
    public var compatibility: CompatibilityMode

    /// The last value given for a global, if any.
    public func global(_ name: String) -> GlobalValue? {
        globals.last { $0.name == name }?.value
    }

    /// Every value given for a global, in order (for `listen`, `alias`).
    public func globals(named name: String) -> [GlobalValue] {
        globals.filter { $0.name == name }.map(\.value)
    }
}
