import TernScript

extension POSIXRegex {
    /// A regex a module function takes: Kamailio compiles these case-insensitive with
    /// REG_NEWLINE (`.` stops at line ends, `^`/`$` match around them); subst expressions
    /// choose their own flags.
    static func moduleArgument(_ pattern: String) throws(RegexError) -> POSIXRegex {
        try POSIXRegex(pattern, caseInsensitive: true, newlineSensitive: true)
    }
}
