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

    public init(name: String, value: GlobalValue, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// One `loadmodule` line.
public struct ModuleLoad: Sendable {
    /// The module's base name: no directory, no `.so`.
    public var name: String
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// One module parameter to set (regex module names already expanded to each matching module).
public struct ModuleParameterSetting: Sendable {
    public var module: String
    public var parameter: String
    public var value: ScriptValue
    public var location: SourceLocation

    public init(module: String, parameter: String, value: ScriptValue, location: SourceLocation) {
        self.module = module
        self.parameter = parameter
        self.value = value
        self.location = location
    }
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

    public init(
        globals: [GlobalSetting], modules: [ModuleLoad], moduleParameters: [ModuleParameterSetting],
        script: CompiledScript, warnings: [Diagnostic], compatibility: CompatibilityMode = .kamailio
    ) {
        self.globals = globals
        self.modules = modules
        self.moduleParameters = moduleParameters
        self.script = script
        self.warnings = warnings
        self.compatibility = compatibility
    }

    /// The last value given for a global, if any.
    public func global(_ name: String) -> GlobalValue? {
        globals.last { $0.name == name }?.value
    }

    /// Every value given for a global, in order (for `listen`, `alias`).
    public func globals(named name: String) -> [GlobalValue] {
        globals.filter { $0.name == name }.map(\.value)
    }
}

/// Why a listen address could not be read.
public struct ListenSpecError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension ListenSpec {
    /// Reads `[proto:]host[:port]`, as in `listen=` values and the `-l` command-line option,
    /// where `/host[:port]` may follow to give the advertised address. IPv6 hosts are written
    /// in brackets (`tcp:[::1]:5060`); the brackets are removed.
    public static func parse(_ text: String) -> Result<ListenSpec, ListenSpecError> {
        var body = Substring(text)
        var advertise: String?
        if let slash = body.firstIndex(of: "/") {
            advertise = String(body[body.index(after: slash)...])
            body = body[..<slash]
            if advertise?.isEmpty == true { return .failure(ListenSpecError(message: "empty advertised address in '\(text)'")) }
        }
        var proto: TransportProtocol?
        if let colon = body.firstIndex(of: ":"), let p = TransportProtocol(name: String(body[..<colon])) {
            proto = p
            body = body[body.index(after: colon)...]
        }
        let (host, port, portText) = HostPort.split(String(body))
        guard !host.isEmpty else { return .failure(ListenSpecError(message: "missing address in '\(text)'")) }
        if let portText, port == nil {
            return .failure(ListenSpecError(message: "bad port '\(portText)' in '\(text)'"))
        }
        if let port, !(1...65535).contains(port) {
            return .failure(ListenSpecError(message: "port \(port) is out of range in '\(text)'"))
        }
        if host.contains(":"), IPAddress(text: host) == nil {
            return .failure(ListenSpecError(message: "bad address '\(host)' in '\(text)'"))
        }
        if host.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" }) {
            return .failure(ListenSpecError(message: "bad address '\(host)' in '\(text)'"))
        }
        return .success(ListenSpec(proto: proto, host: host, port: port, advertise: advertise))
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` and bare IPv6 (several colons, no port).
enum HostPort {
    /// The host (IPv6 without brackets), the port when it is a number, and the port text as
    /// written when there is one.
    static func split(_ text: String) -> (host: String, port: Int?, portText: String?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return (text, nil, nil) }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { return (host, nil, after.isEmpty ? nil : String(after)) }
            let portText = String(after.dropFirst())
            return (host, Int(portText), portText)
        }
        if text.filter({ $0 == ":" }).count > 1 { return (text, nil, nil) }
        if let colon = text.lastIndex(of: ":") {
            let portText = String(text[text.index(after: colon)...])
            return (String(text[..<colon]), Int(portText), portText)
        }
        return (text, nil, nil)
    }
}
