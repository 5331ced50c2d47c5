/// The kinds of route a function may be used in (Kamailio's REQUEST_ROUTE, FAILURE_ROUTE ...).
public struct RouteTypes: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `request_route` and the `route[...]` blocks it calls.
    public static let request = RouteTypes(rawValue: 1 << 0)
    public static let failure = RouteTypes(rawValue: 1 << 1)
    /// tm's `onreply_route[NAME]`.
    public static let onReply = RouteTypes(rawValue: 1 << 2)
    public static let branch = RouteTypes(rawValue: 1 << 3)
    public static let onSend = RouteTypes(rawValue: 1 << 4)
    public static let event = RouteTypes(rawValue: 1 << 5)
    /// The core `reply_route` (every received reply).
    public static let coreReply = RouteTypes(rawValue: 1 << 6)

    public static let any: RouteTypes = [.request, .failure, .onReply, .branch, .onSend, .event, .coreReply]
    /// Both reply routes.
    public static let reply: RouteTypes = [.onReply, .coreReply]

    /// A function usable in request routes is usable in event routes too (Kamailio's rule
    /// EVENT_ROUTE = REQUEST_ROUTE | ONEVENT_ROUTE).
    var effective: RouteTypes {
        contains(.request) ? union(.event) : self
    }

    static let names: [(RouteTypes, String)] = [
        (.request, "request_route"), (.failure, "failure_route"), (.onReply, "onreply_route"),
        (.branch, "branch_route"), (.onSend, "onsend_route"), (.event, "event_route"), (.coreReply, "reply_route"),
    ]

    public var description: String {
        let parts = RouteTypes.names.filter { contains($0.0) }.map(\.1)
        return parts.isEmpty ? "no route" : parts.joined(separator: ", ")
    }
}

/// Which route to run.
public enum RouteKind: Hashable, Sendable, CustomStringConvertible {
    /// `request_route` (or `route { }`).
    case request
    /// `route[NAME]`.
    case named(String)
    case failure(String)
    /// tm's `onreply_route[NAME]`.
    case onReply(String)
    /// The core `reply_route` (`onreply_route { }`, `onreply_route[0]`).
    case coreReply
    case branch(String)
    case onSend
    /// `event_route[module:event]`.
    case event(String)

    public var routeType: RouteTypes {
        switch self {
        case .request, .named: return .request
        case .failure: return .failure
        case .onReply: return .onReply
        case .coreReply: return .coreReply
        case .branch: return .branch
        case .onSend: return .onSend
        case .event: return .event
        }
    }

    public var description: String {
        switch self {
        case .request: return "request_route"
        case .named(let n): return "route[\(n)]"
        case .failure(let n): return "failure_route[\(n)]"
        case .onReply(let n): return "onreply_route[\(n)]"
        case .coreReply: return "reply_route"
        case .branch(let n): return "branch_route[\(n)]"
        case .onSend: return "onsend_route"
        case .event(let n): return "event_route[\(n)]"
        }
    }
}

/// What running a route came to.
public struct RouteOutcome: Sendable, Equatable {
    /// The value of the last action run (or of `return`/`exit`).
    public var returnCode: Int
    /// `drop` was executed: discard the reply / branch / send.
    public var dropped: Bool
    /// The script was stopped (`exit`, `drop`, `return 0`, or a function returning 0).
    public var exited: Bool

    public init(returnCode: Int, dropped: Bool, exited: Bool) {
        self.returnCode = returnCode
        self.dropped = dropped
        self.exited = exited
    }
}
