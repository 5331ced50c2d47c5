/// The syslog facility names Kamailio accepts (dprint.c str2facility, case-insensitive), for
/// xlog's `log_facility` parameter and the three-argument xlog. Tern logs to standard error,
/// where a facility changes nothing; names are still checked so a typo is reported.
enum SyslogFacility {
    static let names = [
        "LOG_AUTH", "LOG_CRON", "LOG_DAEMON", "LOG_KERN", "LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2",
        "LOG_LOCAL3", "LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7", "LOG_LPR", "LOG_MAIL",
        "LOG_NEWS", "LOG_USER", "LOG_UUCP", "LOG_AUTHPRIV", "LOG_FTP", "LOG_SYSLOG",
    ]

    static func isValid(_ name: String) -> Bool {
        names.contains(name.uppercased())
    }
}
