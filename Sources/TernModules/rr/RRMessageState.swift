import SIPCore
import TernScript

/// What rr remembers about one message between function calls (Kamailio keeps it in message
/// flags and static buffers tied to the message id).
struct RRMessageState {
    /// record_route*/record_route_preset ran outside a branch route (FL_RR_ADDED): a second
    /// attempt is refused.
    var recordRouted = false
    /// add_rr_param values waiting for the next record_route().
    var pendingParams = ""
    /// The parameters of the Route URI that matched us, once loose_route (or a check) found
    /// them; nil while not looked up. `.some(nil)`: looked up, the top Route is not ours.
    var routedParams: String??
    /// is_direction's answer for this message, once worked out.
    var upstream: Bool?
    /// loose_route took the next hop from a Route header (rr_next_hop_route()).
    var nextHopFromRoute = false

    static let key = ScriptContextKey<RRMessageState>()
}

extension ScriptContext {
    var rrState: RRMessageState {
        get { self[RRMessageState.key] ?? RRMessageState() }
        set { self[RRMessageState.key] = newValue }
    }
}

/// A `;name=value;...` parameter string as written in a Route URI.
enum RouteParams {
    /// The value of `name` (case-sensitive, as Kamailio's get_route_param compares); "" for a
    /// parameter without value, nil when absent.
    static func value(of name: String, in params: String) -> String? {
        for part in params.split(separator: ";", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair[0].trimmingCharacters(in: " \t") == name else { continue }
            guard pair.count == 2 else { return "" }
            var v = pair[1].trimmingCharacters(in: " \t")
            if v.count >= 2, let f = v.first, f == "\"" || f == "'", v.last == f { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }
}
