import SIPCore
import SIPTransport
import TernScript

/// The core globals the runtime acts on, read once from the config. Globals that mean
/// nothing for Tern were accepted by the checker and are ignored here.
public struct CoreSettings: Sendable {
    public var listens: [ListenAddress] = []
    public var aliases: [String] = []
    public var children = 8
    public var tcpChildren: Int?
    public var disableTCP = false
    public var debugLevel = 0
    public var logToStderr = false
    public var serverHeader: String? = "Server: \(TernVersion.full)"
    public var userAgentHeader = "User-Agent: \(TernVersion.full)"
    public var stream = StreamSettings()
    public var udpReceiveBuffer: Int?
    public var maxWhileLoops = 100

    public var effectiveTCPChildren: Int { tcpChildren ?? children }

    public init() {}

    /// Command-line values that win over the config, as Kamailio's `-n`, `-l`, `-E`, `-d`.
    public struct Overrides: Sendable {
        public var children: Int?
        public var listens: [String] = []
        public var logToStderr = false
        public var extraDebug = 0
        public init() {}
    }

    public init(globals: [GlobalSetting], overrides: Overrides = .init()) throws(ConfigurationError) {
        var port = 5060
        var specs: [(ListenSpec, SourceLocation?)] = []
        var serverSignature = true
        for global in globals {
            switch (global.name, global.value) {
            case ("listen", .listen(let spec)): specs.append((spec, global.location))
            case ("listen", .string(let text)), ("listen", .identifier(let text)):
                specs.append((try Self.listenSpec(text, at: global.location), global.location))
            case ("port", .int(let value)): port = value
            case ("alias", .string(let text)), ("alias", .identifier(let text)): aliases.append(text)
            case ("alias", .listen(let spec)): aliases.append(spec.host)
            case ("children", .int(let value)): children = value
            case ("tcp_children", .int(let value)): tcpChildren = value
            case ("disable_tcp", .int(let value)): disableTCP = value != 0
            case ("debug", .int(let value)): debugLevel = value
            case ("log_stderror", .int(let value)): logToStderr = value != 0
            case ("server_signature", .int(let value)): serverSignature = value != 0
            case ("server_header", .string(let text)): serverHeader = text
            case ("user_agent_header", .string(let text)): userAgentHeader = text
            case ("tcp_accept_no_cl", .int(let value)): stream.acceptNoContentLength = value != 0
            case ("tcp_connection_lifetime", .int(let value)): stream.connectionLifetime = value
            case ("maxbuffer", .int(let value)): udpReceiveBuffer = value
            case ("max_while_loops", .int(let value)): maxWhileLoops = value
            default: break
            }
        }
        if !serverSignature { serverHeader = nil }
        if let value = overrides.children { children = value }
        if overrides.logToStderr { logToStderr = true }
        debugLevel += overrides.extraDebug
        for text in overrides.listens {
            specs.append((try Self.listenSpec(text, at: nil), nil))
        }
        // Kamailio listens on every address when no listen line is given; Tern does the same.
        if specs.isEmpty { specs.append((ListenSpec(proto: nil, host: "0.0.0.0", port: nil), nil)) }
        for (spec, location) in specs {
            listens += try Self.addresses(for: spec, defaultPort: port, disableTCP: disableTCP, at: location)
        }
    }

    private static func listenSpec(_ text: String, at location: SourceLocation?) throws(ConfigurationError) -> ListenSpec {
        switch ListenSpec.parse(text) {
        case .success(let spec): return spec
        case .failure(let error): throw ConfigurationError(error.message, at: location)
        }
    }

    private static func addresses(for spec: ListenSpec, defaultPort: Int, disableTCP: Bool,
                                  at location: SourceLocation?) throws(ConfigurationError) -> [ListenAddress] {
        var host = spec.host
        if host == "*" { host = "0.0.0.0" }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = spec.port ?? defaultPort
        guard (0...65535).contains(port) else {
            throw ConfigurationError("listen \(spec.host): port \(port) is out of range", at: location)
        }
        switch spec.proto {
        case nil:
            // A bare address means UDP and TCP (TLS when it is enabled).
            var result = [ListenAddress(proto: .udp, host: host, port: port)]
            if !disableTCP { result.append(ListenAddress(proto: .tcp, host: host, port: port)) }
            return result
        case .udp?:
            return [ListenAddress(proto: .udp, host: host, port: port)]
        case .tcp?:
            return disableTCP ? [] : [ListenAddress(proto: .tcp, host: host, port: port)]
        case let other?:
            throw ConfigurationError("listen \(other):\(spec.host): the \(other) transport is not supported yet", at: location)
        }
    }
}

/// A configuration problem found after the script compiled (socket specs, module setup).
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var location: SourceLocation?
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
    public var description: String {
        if let location { return "\(location): error: \(message)" }
        return "error: \(message)"
    }
}
