import SIPTransaction
import TernRuntime
import TernScript

/// tm's module parameters (milliseconds, as Kamailio ≥ 3.0). Parameters Tern accepts but does
/// not act on are listed in `TMSettings.acceptedOnly`.
struct TMSettings: Sendable {
    /// fr_timer: how long a branch waits for any reply (non-INVITE: for the final one).
    var frTimer: Int64 = 30_000
    /// fr_inv_timer: how long an INVITE branch waits for a final reply after a provisional.
    var frInvTimer: Int64 = 120_000
    var maxInviteLifetime: Int64 = 180_000
    var maxNonInviteLifetime: Int64 = 32_000
    var restartFrOnEachReply = true
    var t1: Int64 = 500
    var t2: Int64 = 4000
    /// wt_timer: how long a completed transaction absorbs retransmissions.
    var waitTimer: Int64 = 5000
    var autoInvite100 = true
    var autoInvite100Reason = "trying -- your call is important to us"
    var aggregateChallenges = true
    var remap503To500 = true
    var disable6xxBlock = false
    var contactsAVP: String?
    var contactFlowsAVP: String?
    var defaultCode = 500
    var defaultReason = "Server Internal Error"

    var timerValues: TransactionTimerValues {
        var values = TransactionTimerValues(t1: t1, t2: t2)
        values.t4 = waitTimer
        values.timerDUnreliable = waitTimer
        values.lingerTime = waitTimer
        return values
    }

    static let intParameters: [String] = [
        "fr_timer", "fr_inv_timer", "max_inv_lifetime", "max_noninv_lifetime", "restart_fr_on_each_reply",
        "retr_timer1", "retr_timer2", "wt_timer", "auto_inv_100", "aggregate_challenges", "remap_503_500",
        "disable_6xx_block", "default_code", "unix_tx_timeout", "noisy_ctimer", "ruri_matching", "via1_matching",
        "callid_matching", "callid_cseq_matching", "unmatched_cancel", "pass_provisional_replies", "reparse_invite",
        "cancel_b_method", "reparse_on_dns_failover", "failure_reply_mode", "faked_reply_prio", "failure_exec_mode",
        "dns_reuse_rcv_socket", "local_cancel_reason", "e2e_cancel_reason", "relay_100", "rich_redirect",
        "exec_time_check", "reply_relay_mode", "enable_uac_fr", "local_ack_mode", "blst_503", "blst_503_def_timeout",
        "blst_503_min_timeout", "blst_503_max_timeout", "blst_methods_add", "blst_methods_lookup", "delete_timer",
        "retr_timer",
    ]

    static let stringParameters: [String] = [
        "auto_inv_100_reason", "default_reason", "contacts_avp", "contact_flows_avp", "fr_timer_avp",
        "fr_inv_timer_avp", "ac_extra_hdrs", "tw_append", "xavp_contact", "event_callback", "on_sl_reply",
        "event_callback_lres_sent",
    ]

    var declarations: [ParameterDeclaration] {
        Self.intParameters.map { ParameterDeclaration(name: $0, type: .int) }
            + Self.stringParameters.map { ParameterDeclaration(name: $0, type: .string) }
    }

    mutating func apply(_ parameters: [ModuleParameterSetting]) throws(ConfigurationError) {
        for p in parameters {
            switch (p.parameter, p.value) {
            case ("fr_timer", .int(let v)): frTimer = try positive(v, p)
            case ("fr_inv_timer", .int(let v)): frInvTimer = try positive(v, p)
            case ("max_inv_lifetime", .int(let v)): maxInviteLifetime = try positive(v, p)
            case ("max_noninv_lifetime", .int(let v)): maxNonInviteLifetime = try positive(v, p)
            case ("restart_fr_on_each_reply", .int(let v)): restartFrOnEachReply = v != 0
            case ("retr_timer1", .int(let v)): t1 = try positive(v, p)
            case ("retr_timer2", .int(let v)): t2 = try positive(v, p)
            case ("wt_timer", .int(let v)): waitTimer = try positive(v, p)
            case ("auto_inv_100", .int(let v)): autoInvite100 = v != 0
            case ("auto_inv_100_reason", .string(let v)): autoInvite100Reason = v
            case ("aggregate_challenges", .int(let v)): aggregateChallenges = v != 0
            case ("remap_503_500", .int(let v)): remap503To500 = v != 0
            case ("disable_6xx_block", .int(let v)): disable6xxBlock = v != 0
            case ("contacts_avp", .string(let v)): contactsAVP = v
            case ("contact_flows_avp", .string(let v)): contactFlowsAVP = v
            case ("default_code", .int(let v)):
                guard (400 ... 699).contains(v) else {
                    throw ConfigurationError("tm default_code \(v) is not a negative final reply code (400–699)", at: p.location)
                }
                defaultCode = v
            case ("default_reason", .string(let v)): defaultReason = v
            default: break
            }
        }
        if t2 < t1 {
            throw ConfigurationError("tm retr_timer2 (\(t2) ms) is shorter than retr_timer1 (\(t1) ms)", at: parameters.first?.location)
        }
    }

    private func positive(_ value: Int, _ p: ModuleParameterSetting) throws(ConfigurationError) -> Int64 {
        guard value > 0 else {
            throw ConfigurationError("tm \(p.parameter) must be a positive number of milliseconds, not \(value)", at: p.location)
        }
        return Int64(value)
    }
}
