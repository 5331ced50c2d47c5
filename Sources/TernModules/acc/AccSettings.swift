// acc — transaction accounting, as Kamailio's acc module: flagged transactions are written
// to the log and to the database (tables `acc` and `missed_calls`) when their final reply
// goes upstream, missed calls when an INVITE fails. This folder owns the module's settings,
// its records (log line, table row), the per-transaction decisions and the writers.

/// The module parameters, checked once in `configure`.
struct AccSettings: Sendable {
    /// Message flags (0…31); nil when the parameter is not set (Kamailio's -1).
    var logFlag: Int?
    var logMissedFlag: Int?
    var dbFlag: Int?
    var dbMissedFlag: Int?
    var failedTransactionFlag: Int?
    /// Codes never accounted as failed transactions (`failed_filter`, "404,407").
    var failedFilter: Set<Int> = []

    var reportAck = false
    var reportCancels = false
    var detectDirection = false
    var earlyMedia = false

    /// Kamailio's log level number (1 = NOTICE) and syslog facility name.
    var logLevel = 1
    var logFacility = "LOG_DAEMON"
    var logExtra = ""
    var dbExtra = ""

    var dbURL: String?
    var tableAcc = "acc"
    var tableMissedCalls = "missed_calls"
    var columns = AccColumns()

    /// A flag number from a parameter: nil for -1 (unset), an error text for one out of range.
    static func flag(_ value: Int) -> Result<Int?, AccSettingError> {
        if value == -1 { return .success(nil) }
        guard (0 ... 31).contains(value) else { return .failure(AccSettingError(text: "flag \(value) is outside 0–31 (or -1 for none)")) }
        return .success(value)
    }

    /// Parses `failed_filter` ("404,407"): codes separated by commas.
    static func codes(_ text: String) -> Result<Set<Int>, AccSettingError> {
        var out: Set<Int> = []
        for piece in text.split(separator: ",") {
            let trimmed = piece.trimmingSpaces
            guard let code = Int(trimmed), (100 ... 699).contains(code) else {
                return .failure(AccSettingError(text: "'\(trimmed)' is not a SIP status code"))
            }
            out.insert(code)
        }
        return .success(out)
    }

    func isSet(_ flag: Int?, in flags: UInt32) -> Bool {
        guard let flag else { return false }
        return flags & (UInt32(1) << UInt32(flag)) != 0
    }

    /// Kamailio's is_acc_on: the transaction is accounted when it completes.
    func accountsTransaction(_ flags: UInt32) -> Bool { isSet(logFlag, in: flags) || isSet(dbFlag, in: flags) }
    /// Kamailio's is_mc_on: a failed INVITE is a missed call.
    func accountsMissedCall(_ flags: UInt32) -> Bool { isSet(logMissedFlag, in: flags) || isSet(dbMissedFlag, in: flags) }
    func accountsFailure(_ flags: UInt32) -> Bool { isSet(failedTransactionFlag, in: flags) }
}

/// Column names of the two tables (Kamailio's `acc_*_column` parameters).
struct AccColumns: Sendable, Equatable {
    var method = "method"
    var fromTag = "from_tag"
    var toTag = "to_tag"
    var callID = "callid"
    var sipCode = "sip_code"
    var sipReason = "sip_reason"
    var time = "time"
}

struct AccSettingError: Error, Equatable {
    var text: String
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropLast() }
        return s
    }
}
