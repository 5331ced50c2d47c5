// Kamailio's core functions: the actions its config grammar knows without any module — R-URI
// rewriting (seturi, sethost, strip …), message flags, the destination set (append_branch,
// remove_branch), how replies and forwarded requests leave (force_rport, set_reply_close,
// force_send_socket …), log and error. Each one is a FunctionDeclaration whose compile closure
// makes the checks Kamailio makes while loading (a flag outside 0–31, a strip count that is not
// a number) so the script fails at start-up, not per message.
//
// Also here, for modules that work on the same state: branch flags by index, integer-or-
// pseudo-variable arguments, the script logging conventions (Kamailio levels, one line per
// runtime error with its config position), and the core statistics Kamailio's kex registers.
//
// Not provided (a config using them gets "unknown function"): udp_mtu_try_proto, force_tcp_alias, set_advertised_address/port,
// cfg_select/cfg_reset, setavpflag and friends.
import TernScript

public enum CoreFunctions {
    /// Every core function, as the script checker receives them (ScriptSymbols.coreFunctions).
    public static let all: [FunctionDeclaration] =
        uriFunctions + flagFunctions + branchFunctions + sendFunctions + forwardFunctions + logFunctions
}

extension RouteTypes {
    /// Every route except onsend_route, whose grammar admits only log, the flag functions,
    /// the set_*_close / set_*_no_connect family and module functions.
    static let allButOnSend: RouteTypes = [.request, .failure, .onReply, .branch, .event, .coreReply]
}
