// usrloc owns the location table: who is reachable where (RFC 3261 §10), in memory sharded by
// AOR, optionally written to Kamailio's `location` table. One binding of an AOR is a
// LocationContact; the registrar fills it from a REGISTER.

/// One binding: a Contact URI registered for an AOR, with what the REGISTER said about it.
struct LocationContact: Sendable, Equatable {
    /// The Contact URI as registered (without `<>` and header parameters).
    var uri: String
    /// Absolute expiry time in seconds since the epoch; 0 = permanent (added by `ul.add`).
    var expires: Int
    /// q-value in thousandths; -1 when the contact gave none (Kamailio's Q_UNSPECIFIED).
    var q: Int
    var callID: String
    var cseq: Int
    /// Path header values joined with `,` (RFC 3327), "" when none.
    var path: String = ""
    /// Where the REGISTER really came from (`received` param or `received_avp`), "" when unset.
    var received: String = ""
    var userAgent: String = ""
    /// The local socket the REGISTER arrived on (`udp:127.0.0.1:5060`), "" when unknown.
    var socket: String = ""
    /// usrloc's own flags (FL_MEM = 1: never written to the database).
    var flags: Int = 0
    /// Branch flags to set when the contact is looked up (nat_bflag …).
    var cflags: Int = 0
    /// Methods the contact accepts as Kamailio's method bitmask; -1 = all.
    var methods: Int = -1
    /// Unique id of the binding (`uloc-…`), the key of database rows and `unregister`.
    var ruid: String
    /// `+sip.instance` (RFC 5626/5627), as written in the Contact (with its quotes stripped).
    var instance: String = ""
    var regID: Int = 0
    /// Seconds since the epoch of the last save.
    var lastModified: Int
    /// Keeps the order contacts of the same q were inserted in.
    var sequence: Int = 0

    static let memoryOnlyFlag = 1

    /// Kamailio's VALID_CONTACT: not expired yet, or permanent.
    func isValid(at now: Int) -> Bool { expires == 0 || expires > now }

    /// Seconds left (0 for permanent or expired contacts).
    func remaining(at now: Int) -> Int { expires == 0 ? 0 : max(0, expires - now) }

    var isMemoryOnly: Bool { flags & Self.memoryOnlyFlag != 0 }
}

/// Kamailio's q-value text: "1", "0", "0.5", "0.25" (Q_UNSPECIFIED prints nothing).
enum QValueText {
    static func text(_ q: Int) -> String {
        if q < 0 { return "" }
        if q >= 1000 { return "1" }
        if q == 0 { return "0" }
        var out = "0."
        var rest = q
        out.append(Character(Unicode.Scalar(UInt8(48 + rest / 100))))
        rest %= 100
        if rest != 0 {
            out.append(Character(Unicode.Scalar(UInt8(48 + rest / 10))))
            rest %= 10
            if rest != 0 { out.append(Character(Unicode.Scalar(UInt8(48 + rest)))) }
        }
        return out
    }

    /// Two decimals, as SER's FIFO printed it (`q=0.00` for an unset q).
    static func fixed(_ q: Int) -> String {
        let value = max(0, min(q, 1000))
        let hundredths = (value + 5) / 10
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Parses "0.5", "1", "1.0", ".5" into thousandths; nil when out of 0…1 or malformed.
    static func parse(_ text: String) -> Int? {
        let trimmed = Substring(text).trimmingCharacters(in: " \t")
        var whole = 0
        var fraction = 0
        var digits = 0
        var seenDot = false
        var seenDigit = false
        for byte in trimmed.utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenDot else { return nil }
                seenDot = true
            } else if byte >= 48 && byte <= 57 {
                seenDigit = true
                if seenDot {
                    guard digits < 3 else { return nil }
                    fraction = fraction * 10 + Int(byte - 48)
                    digits += 1
                } else {
                    whole = whole * 10 + Int(byte - 48)
                    guard whole <= 1 else { return nil }
                }
            } else {
                return nil
            }
        }
        guard seenDigit else { return nil }
        while digits < 3 { fraction *= 10; digits += 1 }
        let value = whole * 1000 + fraction
        return value <= 1000 ? value : nil
    }
}
